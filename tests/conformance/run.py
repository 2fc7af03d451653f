"""Behaviour parity: run every scenario in every language against the relay.

    python tests/conformance/run.py --core build/cmdop-core \
        --runner c=build/conformance/conformance-c \
        [--runner python=".venv/bin/python tests/conformance/python/runner.py"] \
        [--runner node="node tests/conformance/node/runner.mjs"] \
        [--only NAME] [--record]

A runner is a command that takes a scenario file, runs its steps with the
client configured from CMDOP_* environment variables, and prints
{"steps": [outcome...]} (see c/runner.c). For each language one relay is
started (`cmdop-core relay --port 0`, JSON startup line) and reset with its
seed before every scenario. Checks, per scenario:

  1. every step's outcome matches the scenario's `expect`;
  2. the requests the relay recorded (GET <control_url>/requests) equal the
     scenario's pinned `traffic` (method, path, query, the recorded
     headers, body as canonical JSON, status);
  3. outcomes and traffic are the same in every language (after masking
     the scenario's `volatile` keys and placeholder-matched values).

Placeholders in expected values: "$token", "$api_key" (the relay's
credentials, also inside "Bearer $token"), "$any" (present, any value),
"$hex32", "$uuid", "$cursor". Before anything runs, every op of gen/surface.json must
be called by at least one scenario step.

--record prints each scenario's observed traffic as pinnable JSON (for
writing a new scenario; review it against docs/ before pinning it).
"""
import argparse
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PATTERNS = {"$hex32": r"[0-9a-f]{32}",
            # the relay's opaque cursor (random key per relay process)
            "$cursor": r"c[0-9]+\.[0-9a-f]{16}",
            "$uuid": r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"}


class Relay:
    """One local relay process, stopped when the context ends."""

    def __init__(self, core):
        self.proc = subprocess.Popen([core, "relay", "--port", "0"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit("conformance: the relay printed no startup line")
        self.info = json.loads(line)

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.info["control_url"] + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def load_scenarios(only=None):
    out = []
    for path in sorted(glob.glob(os.path.join(HERE, "scenarios", "*.json"))):
        with open(path) as f:
            doc = json.load(f)
        for sc in doc["scenarios"]:
            sc["_file"] = os.path.relpath(path, ROOT)
            if only is None or sc["name"] == only:
                out.append(sc)
    return out


def coverage_errors(scenarios, surface_path):
    with open(surface_path) as f:
        surface = json.load(f)
    ops = [op["full_name"] for ns in surface["namespaces"] for op in ns["ops"]]
    called = {st["op"] for sc in scenarios for st in sc["steps"]}
    errs = ["op %s has no conformance scenario" % op for op in ops if op not in called]
    errs += ["scenario step calls %s, which is not an op of the IDL" % op
             for op in sorted(called - set(ops))]
    return errs


def subst(value, creds):
    if isinstance(value, str):
        for k, v in creds.items():
            value = value.replace("$" + k, v)
    return value


def match(exp, got, creds, path, errs):
    """Exact structural match with placeholders; appends readable errors."""
    if isinstance(exp, str) and exp.startswith("$"):
        if exp == "$any":
            if got is None:
                errs.append("%s: expected a value, got none" % path)
            return
        if exp in PATTERNS:
            if not (isinstance(got, str) and re.fullmatch(PATTERNS[exp], got)):
                errs.append("%s: expected %s, got %s" % (path, exp, json.dumps(got)))
            return
    if isinstance(exp, str):
        exp = subst(exp, creds)
    if isinstance(exp, dict) and isinstance(got, dict):
        for k in sorted(set(exp) | set(got)):
            if k not in got:
                errs.append("%s.%s: missing (expected %s)" % (path, k, json.dumps(exp[k])))
            elif k not in exp:
                errs.append("%s.%s: unexpected %s" % (path, k, json.dumps(got[k])))
            else:
                match(exp[k], got[k], creds, "%s.%s" % (path, k), errs)
    elif isinstance(exp, list) and isinstance(got, list):
        if len(exp) != len(got):
            errs.append("%s: %d element(s), expected %d" % (path, len(got), len(exp)))
        for i, (e, g) in enumerate(zip(exp, got)):
            match(e, g, creds, "%s[%d]" % (path, i), errs)
    elif isinstance(exp, (int, float)) and isinstance(got, (int, float)) \
            and not isinstance(exp, bool) and not isinstance(got, bool):
        if exp != got:  # 42 and 42.0 are one JSON number
            errs.append("%s: got %s, expected %s" % (path, json.dumps(got), json.dumps(exp)))
    elif exp != got or type(exp) is not type(got):
        errs.append("%s: got %s, expected %s" % (path, json.dumps(got), json.dumps(exp)))


def subset(exp, got, creds, path, errs):
    """Every key of exp is in got with a matching value (results are big;
    a scenario pins what it is about, cross-language equality does the rest)."""
    if isinstance(exp, dict) and isinstance(got, dict):
        for k, v in exp.items():
            if k not in got:
                errs.append("%s.%s: missing (expected %s)" % (path, k, json.dumps(v)))
            else:
                subset(v, got[k], creds, "%s.%s" % (path, k), errs)
    else:
        match(exp, got, creds, path, errs)


def check_outcome(step, out, creds, path, errs):
    exp = step.get("expect", {"ok": True})
    if out.get("ok") != exp.get("ok", True):
        errs.append("%s: %s, expected %s%s" % (
            path, "succeeded" if out.get("ok") else "failed with %s" % json.dumps(out.get("error")),
            "success" if exp.get("ok", True) else "an error",
            "" if exp.get("ok", True) else " %s" % json.dumps(exp.get("error"))))
        return
    if "error" in exp:
        subset(exp["error"], out.get("error"), creds, path + ".error", errs)
    if "result" in exp:
        subset(exp["result"], out.get("result"), creds, path + ".result", errs)
    if "count" in exp:
        n = len(out.get("result") or [])
        if n != exp["count"]:
            errs.append("%s: %d item(s), expected %d" % (path, n, exp["count"]))
    if "frames" in exp:
        types = [f.get("type") for f in out.get("frames") or []]
        if types != exp["frames"]:
            errs.append("%s.frames: types %s, expected %s" % (path, types, exp["frames"]))


def mask(value, keys):
    if isinstance(value, dict):
        return {k: ("<volatile>" if k in keys else mask(v, keys)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, keys) for v in value]
    return value


# The headers a scenario pins (README "A scenario"); the relay records every
# header now, the others (host, user-agent, accept, content-length, ...) are
# not part of the contract here (the compat suite's differences file is).
PINNED_HEADERS = ("authorization", "x-api-key", "idempotency-key", "content-type",
                  "last-event-id")


def normal_traffic(reqs):
    out = []
    for r in reqs:
        n = {k: r.get(k) for k in ("method", "path", "query", "headers", "body", "status")}
        n["headers"] = {k: v for k, v in (n["headers"] or {}).items() if k in PINNED_HEADERS}
        out.append(n)
    return out


def c_list_unwraps(surface_path):
    """Ops whose surface returns a list field of the result: docs/idl.md
    ('unwrap field') keeps that list wrapped in its record in C, so the
    driver unwraps the C outcome before comparing (documented, not drift)."""
    with open(surface_path) as f:
        surface = json.load(f)
    records = {r["name"]: r for r in surface["records"]}
    out = {}
    for ns in surface["namespaces"]:
        for op in ns["ops"]:
            if op["unwrap"] and op["result"]:
                field = next(x for x in records[op["result"]]["fields"] if x["name"] == op["unwrap"])
                if field["repeated"]:
                    out[op["full_name"]] = op["unwrap"]
    return out


def run_lang(lang, cmd, core, scenarios, record):
    """-> {scenario name: (outcomes, traffic, creds)}; runner failures raise."""
    results = {}
    with Relay(core) as relay:
        creds = {"token": relay.info["token"], "api_key": relay.info["api_key"]}
        for sc in scenarios:
            relay.control("POST", "/reset", {"state": True})
            for ctl in sc.get("controls", []):   # test controls, after the reset
                relay.control("POST", ctl["path"], ctl.get("body", {}))
            env = {k: v for k, v in os.environ.items() if not k.startswith("CMDOP_")}
            env.update({"CMDOP_BASE_URL": relay.info["relay_url"],
                        "CMDOP_API_BASE_URL": relay.info["platform_url"],
                        "CMDOP_TOKEN": creds["token"], "CMDOP_API_KEY": creds["api_key"],
                        "CMDOP_FLEET_ID": "10000000-0000-4000-8000-000000000001"})
            for k, v in sc.get("env", {}).items():
                if v is None:
                    env.pop(k, None)
                else:
                    env[k] = subst(v, creds)
            tmp = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                               "conformance-%d-%s.json" % (os.getpid(), lang))
            with open(tmp, "w") as f:
                json.dump(sc, f)
            p = subprocess.run(shlex.split(cmd) + [tmp], env=env, capture_output=True,
                               text=True, timeout=120, cwd=ROOT)
            os.unlink(tmp)
            if p.returncode != 0:
                raise RuntimeError("[%s] %s: runner exited %d:\n%s%s" % (
                    lang, sc["name"], p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
            outcomes = json.loads(p.stdout.strip().splitlines()[-1])["steps"]
            traffic = normal_traffic(relay.control("GET", "/requests")["requests"])
            if record:
                print(json.dumps({"name": sc["name"], "lang": lang, "outcomes": outcomes,
                                  "traffic": traffic}, indent=1, sort_keys=True))
            results[sc["name"]] = (outcomes, traffic, creds)
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description="conformance scenarios in every language")
    ap.add_argument("--core", default=os.path.join(ROOT, "build", "cmdop-core"))
    ap.add_argument("--surface", default=os.path.join(ROOT, "gen", "surface.json"))
    ap.add_argument("--runner", action="append", default=[], help="LANG=COMMAND")
    ap.add_argument("--only")
    ap.add_argument("--record", action="store_true")
    args = ap.parse_args(argv)

    all_scenarios = load_scenarios()
    errs = coverage_errors(all_scenarios, args.surface)
    if errs and not (args.record or args.only):
        print("conformance: FAILED — coverage:\n  " + "\n  ".join(errs))
        return 1
    scenarios = load_scenarios(args.only)
    runners = [r.split("=", 1) for r in args.runner]
    per_lang = {}
    unwraps = c_list_unwraps(args.surface)
    for lang, cmd in runners:
        per_lang[lang] = run_lang(lang, cmd, args.core, scenarios, args.record)
        if lang == "c":
            for sc in scenarios:
                for st, out in zip(sc["steps"], per_lang[lang][sc["name"]][0]):
                    if st["op"] in unwraps and out.get("ok") and isinstance(out.get("result"), dict):
                        out["result"] = out["result"].get(unwraps[st["op"]])
    if args.record:
        return 0

    failures, passed = [], 0
    first = runners[0][0] if runners else None
    for sc in scenarios:
        sc_errs = []
        for lang, _ in runners:
            outcomes, traffic, creds = per_lang[lang][sc["name"]]
            e = []
            if len(outcomes) != len(sc["steps"]):
                e.append("%d outcome(s) for %d step(s)" % (len(outcomes), len(sc["steps"])))
            for i, (st, out) in enumerate(zip(sc["steps"], outcomes)):
                check_outcome(st, out, creds, "step %d (%s)" % (i + 1, st["op"]), e)
            match(sc["traffic"], traffic, creds, "traffic", e)
            if lang != first:
                vol = set(sc.get("volatile", []))
                a = mask(per_lang[first][sc["name"]][0], vol)
                b = mask(outcomes, vol)
                if a != b:
                    d = []
                    match(a, b, {}, "outcomes", d)
                    e += ["differs from %s: %s" % (first, x) for x in d[:10]]
            sc_errs += ["[%s] %s" % (lang, x) for x in e]
        if sc_errs:
            failures.append((sc, sc_errs))
        else:
            passed += 1
    for sc, errs_ in failures:
        print("FAIL %s (%s)" % (sc["name"], sc["_file"]))
        for x in errs_[:40]:
            print("    " + x)
    print("languages: %s; scenarios: %d" % (", ".join(l for l, _ in runners), len(scenarios)))
    print("conformance: %d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
