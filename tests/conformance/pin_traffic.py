"""Write observed traffic into scenario files as the pinned expectation.

    python tests/conformance/run.py --runner c=... --record > rec.json
    python tests/conformance/pin_traffic.py rec.json [--only NAME]

Only for authoring: the result must be reviewed against docs/ (paths,
query names, body keys, headers per plane) before it is committed, because
from then on it is the contract every language's traffic is held to.
Values that differ per run become placeholders: credentials -> "$token" /
"$api_key", a generated session_id -> "$hex32", challenge ids, confirm
tokens and Idempotency-Key -> "$any", cursors -> "$cursor", created ids in paths are refused
(a scenario must address seeded resources so its paths are stable).
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def records(path):
    text = open(path).read()
    dec, i, out = json.JSONDecoder(), 0, []
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        obj, i = dec.raw_decode(text, i)
        out.append(obj)
    return out


def placeholders(req, token, api_key):
    h = req["headers"]
    if "authorization" in h:
        h["authorization"] = h["authorization"].replace(token, "$token").replace(api_key, "$api_key")
    if "x-api-key" in h:
        h["x-api-key"] = h["x-api-key"].replace(api_key, "$api_key").replace(token, "$token")
    if "idempotency-key" in h:
        h["idempotency-key"] = "$any"
    q = req["query"]
    if re.fullmatch(r"c[0-9]+\.[0-9a-f]{16}", str(q.get("cursor", ""))):
        q["cursor"] = "$cursor"
    b = req["body"]
    if isinstance(b, dict):
        if re.fullmatch(r"[0-9a-f]{32}", str(b.get("session_id", ""))):
            b["session_id"] = "$hex32"
        for k in ("challenge_id", "token", "confirm_token"):
            if k in b and req["path"].endswith(("/pin", "/confirm")):
                b[k] = "$any"
    return req


def main():
    recs = records(sys.argv[1])
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--only" else None
    token = os.environ.get("RELAY_TOKEN", "local-dev-token")
    api_key = os.environ.get("RELAY_API_KEY", "local-dev-api-key")
    by_name = {r["name"]: r for r in recs if r["lang"] == "c"}
    for fn in sorted(os.listdir(os.path.join(HERE, "scenarios"))):
        path = os.path.join(HERE, "scenarios", fn)
        doc = json.load(open(path))
        for sc in doc["scenarios"]:
            if sc["name"] not in by_name or (only and sc["name"] != only):
                continue
            sc["traffic"] = [placeholders(r, token, api_key) for r in by_name[sc["name"]]["traffic"]]
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
