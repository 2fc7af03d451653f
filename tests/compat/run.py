"""The cmdop 1.1.1 compatibility suite.

Run with the python of the official venv (tests/compat/fetch.sh builds it):
``import cmdop`` there is the OFFICIAL 1.1.1 client. One fresh local relay
(``<core> relay --port 0``) serves two runs of the same tour of every op of
the official client, each starting from the reloaded seed:

  official  the official client with its own Go core (CMDOP_CORE_BINARY unset)
  ours      the official client with our core (CMDOP_CORE_BINARY=<core>)

and three checks per op:

  (a) official run: the call succeeds and its decoded values equal what the
      relay holds, fetched with plain HTTP GETs of the same resources;
  (b) ours: the call succeeds and its decoded values equal the official run's;
  (c) the relay's recordings of both runs are identical request for request
      in method, path, query and body (canonical JSON); headers may differ only
      as tests/compat/differences.toml lists. Ops that go past page 1 may also
      differ in requests only as that file lists.

The tour ends with `fault:*` ops, each run under one injected 503
(POST /_control/fail): there (a) = the official client surfaces it as a typed
error (code `server`) after exactly one request; (b) = ours retries and the
decoded value equals the relay's state (or, for the ask POST, which our core
never retries, ours fails with the same class and code); (c) = ours sends the
official core's request, then only identical repeats with one
Idempotency-Key, and only as differences.toml lists.

Output: one line per op and check, a summary, then ``N passed, N failed``.
Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import fnmatch
import json
import os
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Awaitable, Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402
from compare import Volatile, canon, decoded_vs_wire, diff_data, parse_ts, short, strings_of  # noqa: E402

import cmdop  # noqa: E402  (the official client in the official venv)
from google.protobuf import json_format  # noqa: E402
from google.protobuf.message import Message  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

FLEET = "10000000-0000-4000-8000-000000000001"
OWNER = "00000000-0000-4000-8000-000000000001"
ALPHA, BRAVO, CHARLIE, DELTA, ECHO = (f"20000000-0000-4000-8000-00000000000{i}" for i in range(1, 6))
SCHEDULE = "60000000-0000-4000-8000-000000000001"
TUNNEL = "40000000-0000-4000-8000-000000000001"
SKILL_PATH = "/apix/skills"  # the platform origin + /apix/skills/... (docs/wire.md)

OP_TIMEOUT = float(os.environ.get("CMDOP_COMPAT_OP_TIMEOUT", "10"))


# --------------------------------------------------------------------------
# the relay and plain HTTP
# --------------------------------------------------------------------------


class Relay:
    def __init__(self, core: str, stderr: Any) -> None:
        self.proc = subprocess.Popen(
            [core, "relay", "--port", "0"], stdout=subprocess.PIPE, stderr=stderr, text=True,
            start_new_session=True,
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            raise SystemExit(f"compat: `{core} relay --port 0` printed no JSON line (exit {self.proc.wait()})")
        self.info = json.loads(line)
        self.relay_url = self.info["relay_url"].rstrip("/")
        self.platform_url = self.info["platform_url"].rstrip("/")
        self.control_url = self.info["control_url"].rstrip("/")
        self.token = self.info["token"]
        self.api_key = self.info["api_key"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    # control
    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.control_url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    def requests(self) -> list[dict[str, Any]]:
        return self.control("GET", "/requests")["requests"]

    def settled_requests(self) -> list[dict[str, Any]]:
        """The recording once it stopped growing (a stream is recorded late)."""
        prev = self.requests()
        for _ in range(20):
            time.sleep(0.03)
            cur = self.requests()
            if len(cur) == len(prev):
                return cur
            prev = cur
        return prev

    # plain GETs of the relay's state (check a)
    def get(self, plane: str, path: str, query: dict[str, Any] | None = None) -> tuple[int, Any]:
        base = self.relay_url if plane == "relay" else self.platform_url
        url = base + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        req = urllib.request.Request(url, method="GET")
        req.add_header("Accept", "application/json")
        if plane == "relay":
            req.add_header("Authorization", f"Bearer {self.token}")
        else:
            req.add_header("X-Api-Key", self.api_key)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                raw = r.read()
                return r.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode(errors="replace")


class StateError(Exception):
    pass


def must_get(relay: Relay, plane: str, path: str, query: dict[str, Any] | None = None) -> Any:
    status, body = relay.get(plane, path, query)
    if status != 200:
        raise StateError(f"state GET {path} -> {status} {short(body, 120)}")
    return body


def items_of(body: Any) -> list[Any]:
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        for k in ("items", "results"):
            if isinstance(body.get(k), list):
                return body[k]
    raise StateError(f"no item list in {short(body, 120)}")


def find(items: list[Any], key: str, value: Any) -> Any:
    for it in items:
        if isinstance(it, dict) and str(it.get(key)) == str(value):
            return it
    raise StateError(f"no item with {key}={value} in the relay's state")


# --------------------------------------------------------------------------
# decoded values as data (check b)
# --------------------------------------------------------------------------


def to_data(v: Any) -> Any:
    if isinstance(v, Message):
        return json_format.MessageToDict(
            v,
            preserving_proto_field_name=True,
            always_print_fields_with_no_presence=True,
            unquote_int64_if_possible=True,
        )
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {"frame": type(v).__name__, **{k: to_data(x) for k, x in dataclasses.asdict(v).items()}}
    if isinstance(v, dict):
        return {k: to_data(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_data(x) for x in v]
    if isinstance(v, BaseException):
        return error_data(v)
    return v


def error_data(e: BaseException) -> dict[str, Any]:
    return {
        "raised": type(e).__name__,
        "code": getattr(e, "code", None),
        "message": str(e),
    }


# --------------------------------------------------------------------------
# the tour
# --------------------------------------------------------------------------

Run = Callable[[Any, dict[str, Any]], Awaitable[Any]]
Check = Callable[[Relay, dict[str, Any], Any], list[str]]


@dataclasses.dataclass
class Op:
    name: str
    run: Run
    check_a: Check
    paging: bool = False  # goes past page 1 (request differences may be listed)
    expect_error: bool = False  # the call is meant to raise (ask: wrong PIN, offline)
    fault: dict[str, Any] | None = None  # POST /_control/fail body armed right before the call
    fault_retry: bool = True  # under the fault ours retries and recovers (False: fails like the official)


OPS: list[Op] = []


def op(name: str, check_a: Check, *, paging: bool = False, expect_error: bool = False,
       fault: dict[str, Any] | None = None, fault_retry: bool = True) -> Callable[[Run], Run]:
    def deco(fn: Run) -> Run:
        OPS.append(Op(name, fn, check_a, paging, expect_error, fault, fault_retry))
        return fn

    return deco


def same(path_fn: Callable[[dict[str, Any]], str], plane: str = "relay",
         query: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
         pick: Callable[[dict[str, Any], Any], Any] | None = None,
         expect: dict[str, Any] | None = None) -> Check:
    """(a): the decoded record equals the JSON of a GET of the same resource;
    for a write, ``expect`` also names wire values the relay must now hold (so
    a write that reached the relay empty cannot pass)."""

    def check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
        body = must_get(relay, plane, path_fn(s), query(s) if query else None)
        if pick is not None:
            body = pick(s, body)
        out = decoded_vs_wire(result, body)
        for k, v in (expect or {}).items():
            if not isinstance(body, dict) or body.get(k) != v:
                out.append(f"the relay holds {k}={short(body.get(k) if isinstance(body, dict) else body)}, "
                           f"the call asked for {short(v)}")
        return out

    return check


def pages_vs(path_fn: Callable[[dict[str, Any]], str], query_of_page: Callable[[dict[str, Any], int], dict[str, Any]],
             plane: str = "relay") -> Check:
    """(a) for an offset list walked past page 1: page k of the decoded walk
    equals the wire page k (the hosted `page`/`per_page` query)."""

    def check(relay: Relay, s: dict[str, Any], pages: Any) -> list[str]:
        diffs: list[str] = []
        if len(pages) < 2:
            diffs.append(f"the walk stopped after {len(pages)} page(s); the relay holds more (see per_page)")
        for k, page in enumerate(pages, start=1):
            body = must_get(relay, plane, path_fn(s), query_of_page(s, k))
            diffs += [f"page {k}: {d}" for d in decoded_vs_wire(page, body)]
        return diffs

    return check


def cursor_pages_vs(path_fn: Callable[[dict[str, Any]], str], query: dict[str, Any]) -> Check:
    """(a) for a cursor walk: each decoded page equals the wire page reached by
    following the wire's own next_cursor."""

    def check(relay: Relay, s: dict[str, Any], pages: Any) -> list[str]:
        diffs: list[str] = []
        cursor = None
        wire_pages = []
        for _ in range(50):
            q = dict(query)
            if cursor:
                q["cursor"] = cursor
            body = must_get(relay, "relay", path_fn(s), q)
            wire_pages.append(body)
            cursor = body.get("next_cursor") if isinstance(body, dict) else None
            if not cursor or (isinstance(body, dict) and body.get("has_more") is False):
                break
        if len(pages) != len(wire_pages):
            diffs.append(f"{len(pages)} decoded pages != {len(wire_pages)} wire pages")
        if len(wire_pages) < 2:
            diffs.append("the relay answered one page only: the walk did not go past page 1")
        for k, (page, body) in enumerate(zip(pages, wire_pages), start=1):
            diffs += [f"page {k}: {d}" for d in decoded_vs_wire(page, body)]
        return diffs

    return check


def gone(path_fn: Callable[[dict[str, Any]], str], plane: str = "relay") -> Check:
    """(a) for a delete: the resource is gone (404) and the call returned None."""

    def check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
        out = [] if result is None else [f"returned {short(to_data(result))}, expected None"]
        status, body = relay.get(plane, path_fn(s))
        if status != 404:
            out.append(f"state GET {path_fn(s)} -> {status} {short(body)}, expected 404")
        return out

    return check


def returns_none_and(pred: Callable[[Relay, dict[str, Any]], list[str]]) -> Check:
    def check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
        out = [] if result is None else [f"returned {short(to_data(result))}, expected None"]
        return out + pred(relay, s)

    return check


# ---- machines -------------------------------------------------------------

@op("machines.list", same(lambda s: "/api/machines", query=lambda s: {"presence": "any", "limit": 100}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.list()


@op("machines.list[pages]", cursor_pages_vs(lambda s: "/api/machines", {"presence": "online", "limit": 2}), paging=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return [p async for p in c.machines.pages(presence="online", limit=2)]


@op("machines.get", same(lambda s: f"/api/machines/{ALPHA}"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.get(ALPHA)


@op("machines.info", same(lambda s: f"/api/admin/machines/{ALPHA}/info"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.info(ALPHA)


@op("machines.spend", same(lambda s: f"/api/admin/machines/{ALPHA}/spend", query=lambda s: {"window": "30d"}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.spend(ALPHA, window="30d")


@op("machines.messages", same(lambda s: f"/api/admin/machines/{ALPHA}/messages", query=lambda s: {"limit": 3}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.messages(ALPHA, limit=3)


def _active_session_check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
    body = must_get(relay, "relay", f"/api/admin/machines/{ALPHA}/active_session")
    want = (body or {}).get("agent_session_id") or ""
    return [] if result == want else [f"decoded {short(result)} != wire {short(want)}"]


@op("machines.active_session", _active_session_check)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.active_session(ALPHA)


def _clear_check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
    out = []
    if result.deleted != s["bravo_messages_before"]:
        out.append(f"deleted {result.deleted}, the relay held {s['bravo_messages_before']} messages")
    after = must_get(relay, "relay", f"/api/admin/machines/{BRAVO}/messages", {"limit": 50})
    if after.get("messages"):
        out.append(f"the relay still holds {len(after['messages'])} messages")
    if result.agent_session_id != (after.get("agent_session_id") or ""):
        out.append(f"agent_session_id {result.agent_session_id!r} != wire {after.get('agent_session_id')!r}")
    return out


@op("machines.clear_messages", _clear_check)
async def _(c: Any, s: dict[str, Any]) -> Any:
    s["bravo_messages_before"] = len((await c.machines.messages(BRAVO, limit=50)).messages)
    return await c.machines.clear_messages(BRAVO)


def _update_check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
    body = find(items_of(must_get(relay, "relay", "/api/machines", {"limit": 100})), "id", BRAVO)
    out = decoded_vs_wire(result, body)
    if body.get("name") != "bravo-web-01":
        out.append(f"the relay holds name {body.get('name')!r}, not the new name")
    return out


@op("machines.update", _update_check)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.update(BRAVO, name="bravo-web-01")


def _disabled(relay: Relay, s: dict[str, Any]) -> list[str]:
    body = must_get(relay, "relay", f"/api/machines/{ECHO}")
    return [] if body.get("disabled_at") else [f"GET /api/machines/{{echo}} has no top-level disabled_at (the hosted MachineDetail is flat)"]


@op("machines.disable", returns_none_and(_disabled))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.disable(ECHO)


# ---- machines.ask ---------------------------------------------------------
# Expected behaviour of the relay's simulated agent (docs/relay.md, machines.ask).


async def drive(stream: Any, *, pin: str | None = None, accept: bool | None = None) -> dict[str, Any]:
    frames: list[Any] = []
    try:
        async for fr in stream:
            frames.append(fr)
            if isinstance(fr, cmdop.PinRequiredFrame) and pin is not None:
                await stream.pin(fr.challenge_id, pin)
            elif isinstance(fr, cmdop.ConfirmRequiredFrame) and accept is not None:
                await stream.confirm(fr.token, accept)
    except cmdop.CmdopError as e:
        return {"frames": frames, "error": e}
    return {"frames": frames, "error": None}


def ask_expect(*, text: str | None = None, success: bool = True, done_error: str = "",
               pin_required: str | None = None, confirm_plan: str | None = None,
               pin_denied: bool = False, raises: type | None = None, codes: tuple[str, ...] = ()) -> Check:
    def check(relay: Relay, s: dict[str, Any], r: Any) -> list[str]:
        out: list[str] = []
        frames, err = r["frames"], r["error"]
        kinds = [type(f).__name__ for f in frames]
        if raises is not None:
            if err is None:
                out.append(f"expected {raises.__name__}, the stream ended normally ({kinds})")
            elif not isinstance(err, raises):
                out.append(f"raised {type(err).__name__}({getattr(err, 'code', None)!r}: {err}), expected {raises.__name__}")
            elif codes and getattr(err, "code", None) not in codes:
                out.append(f"error code {getattr(err, 'code', None)!r}, expected one of {codes}")
        elif err is not None:
            out.append(f"raised {type(err).__name__}({getattr(err, 'code', None)!r}: {err}) after {kinds}")
        unknown = [f for f in frames if isinstance(f, cmdop.UnknownFrame)]
        if unknown:
            out.append(f"undecoded frames: {[u.type for u in unknown]}")
        if pin_required is not None:
            prs = [f for f in frames if isinstance(f, cmdop.PinRequiredFrame)]
            if len(prs) != 1:
                out.append(f"{len(prs)} pin_required frames, expected 1 ({kinds})")
            elif prs[0].label != pin_required or not prs[0].challenge_id:
                out.append(f"pin_required {prs[0]!r}, expected label {pin_required!r} and a challenge id")
        elif any(isinstance(f, cmdop.PinRequiredFrame) for f in frames):
            out.append(f"unexpected pin_required ({kinds})")
        if pin_denied and not any(isinstance(f, cmdop.PinDeniedFrame) for f in frames):
            out.append(f"no pin_denied frame ({kinds})")
        if confirm_plan is not None:
            crs = [f for f in frames if isinstance(f, cmdop.ConfirmRequiredFrame)]
            if len(crs) != 1:
                out.append(f"{len(crs)} confirm_required frames, expected 1 ({kinds})")
            elif crs[0].plan != confirm_plan or crs[0].danger_level != "high" or not crs[0].token:
                out.append(f"confirm_required {crs[0]!r}, expected plan {confirm_plan!r}, danger_level 'high'")
        elif any(isinstance(f, cmdop.ConfirmRequiredFrame) for f in frames):
            out.append(f"unexpected confirm_required ({kinds})")
        if text is not None:
            dones = [f for f in frames if isinstance(f, cmdop.DoneFrame)]
            if len(dones) != 1:
                out.append(f"{len(dones)} done frames, expected 1 ({kinds})")
            else:
                d = dones[0]
                if d.success != success or d.text != text or d.error != done_error:
                    out.append(f"done success={d.success} text={d.text!r} error={d.error!r}, expected "
                               f"success={success} text={text!r} error={done_error!r}")
                deltas = "".join((f.payload or {}).get("delta", "") for f in frames
                                 if isinstance(f, cmdop.EventFrame) and isinstance(f.payload, dict))
                if success and deltas != text:
                    out.append(f"event deltas {deltas!r} != done text {text!r}")
        return out

    return check


@op("machines.ask[collect]", lambda relay, s, r: [] if r == "hello from compat" else [f"collected {r!r}, expected 'hello from compat'"])
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.ask(ALPHA, "echo: hello from compat", session_id="compat-ask-collect").collect()


@op("machines.ask[pin mid-stream]", ask_expect(text="pin ok", pin_required="PIN for charlie"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await drive(c.machines.ask(CHARLIE, "echo: pin ok", session_id="compat-ask-pin"), pin="1234")


@op("machines.ask[pin upfront]", ask_expect(text="upfront pin ok"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await drive(c.machines.ask(CHARLIE, "echo: upfront pin ok", session_id="compat-ask-pin-up", pin="1234"))


@op("machines.ask[pin wrong upfront]", ask_expect(pin_denied=True, raises=cmdop.PinDeniedError), expect_error=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await drive(c.machines.ask(CHARLIE, "echo: nope", session_id="compat-ask-pin-bad", pin="0000"))


@op("machines.ask[pin wrong mid-stream]",
    ask_expect(pin_required="PIN for charlie", pin_denied=True, raises=cmdop.PinDeniedError), expect_error=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await drive(c.machines.ask(CHARLIE, "echo: nope", session_id="compat-ask-pin-bad2"), pin="9999")


@op("machines.ask[confirm accepted]",
    ask_expect(text="ok: sudo systemctl restart nginx", confirm_plan="run: sudo systemctl restart nginx"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await drive(c.machines.ask(ALPHA, "sudo systemctl restart nginx", session_id="compat-ask-confirm",
                                      timeout_seconds=120), accept=True)


@op("machines.ask[confirm rejected]",
    ask_expect(text="", success=False, done_error="rejected", confirm_plan="run: rm -rf /tmp/compat-cache"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await drive(c.machines.ask(ALPHA, "rm -rf /tmp/compat-cache", session_id="compat-ask-reject"), accept=False)


@op("machines.ask[offline]", ask_expect(raises=cmdop.CmdopError, codes=("machine_offline", "unavailable")),
    expect_error=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await drive(c.machines.ask(DELTA, "uptime", session_id="compat-ask-offline"))


# ---- fleets ---------------------------------------------------------------

def _fleet_state(s: dict[str, Any], body: Any, fid: str) -> Any:
    return find(items_of(body), "id", fid)


@op("fleets.list", same(lambda s: "/api/fleets", query=lambda s: {"page": 1, "per_page": 20}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.fleets.list()


@op("fleets.get", same(lambda s: "/api/fleets", query=lambda s: {"page": 1, "per_page": 100},
                       pick=lambda s, b: _fleet_state(s, b, FLEET)))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.fleets.get(FLEET)


@op("fleets.create", same(lambda s: "/api/fleets", query=lambda s: {"page": 1, "per_page": 100},
                          pick=lambda s, b: _fleet_state(s, b, s["fleet_id"]),
                          expect={"name": "Compat Fleet", "slug": "compat-fleet", "mfa_required": "any"}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    r = await c.fleets.create(name="Compat Fleet", slug="compat-fleet", mfa_required="required")
    s["fleet_id"] = r.id
    return r


@op("fleets.update", same(lambda s: "/api/fleets", query=lambda s: {"page": 1, "per_page": 100},
                          pick=lambda s, b: _fleet_state(s, b, s["fleet_id"]),
                          expect={"name": "Compat Fleet (renamed)", "mfa_required": "any"}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.fleets.update(s["fleet_id"], name="Compat Fleet (renamed)", mfa_required="optional")


@op("fleets.list[pages]", pages_vs(lambda s: "/api/fleets", lambda s, k: {"page": k, "per_page": 1}), paging=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return [p async for p in c.fleets.pages(per_page=1)]


# ---- fleets.members -------------------------------------------------------

def _members(s: dict[str, Any]) -> str:
    return f"/api/fleets/{FLEET}/members"


def _member_state(s: dict[str, Any], body: Any) -> Any:
    return find(items_of(body), "user_id", s["member_id"])


@op("fleets.members.list", same(_members, query=lambda s: {"page": 1, "per_page": 20}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.fleets.members.list(FLEET)


@op("fleets.members.add", same(_members, query=lambda s: {"page": 1, "per_page": 100}, pick=_member_state,
                               expect={"email": "newbie@example.com", "role": "viewer"}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    r = await c.fleets.members.add("newbie@example.com", role="viewer", fleet_id=FLEET)
    s["member_id"] = r.user_id
    return r


@op("fleets.members.set_role", same(_members, query=lambda s: {"page": 1, "per_page": 100}, pick=_member_state,
                                    expect={"role": "member"}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.fleets.members.set_role(s["member_id"], "member", fleet_id=FLEET)


@op("fleets.members.list[pages]", pages_vs(_members, lambda s, k: {"page": k, "per_page": 3}), paging=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    # no pages() helper for members in 1.1.1: page by hand until the relay's total is covered
    pages = []
    for k in range(1, 10):
        p = await c.fleets.members.list(FLEET, page=k, per_page=3)
        pages.append(p)
        if not p.items or k * 3 >= p.total:
            break
    return pages


def _member_removed(relay: Relay, s: dict[str, Any]) -> list[str]:
    body = must_get(relay, "relay", _members(s), {"page": 1, "per_page": 100})
    ids = [m.get("user_id") for m in items_of(body)]
    return [f"the relay still lists member {s['member_id']}"] if s["member_id"] in ids else []


@op("fleets.members.remove", returns_none_and(_member_removed))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.fleets.members.remove(s["member_id"], fleet_id=FLEET)


# ---- fleets.machines ------------------------------------------------------

@op("fleets.machines.list", same(lambda s: f"/api/fleets/{FLEET}/machines", query=lambda s: {"presence": "any", "limit": 100}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.fleets.machines.list(FLEET)


def _link_check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
    body = must_get(relay, "relay", f"/api/fleets/{s['fleet_id']}/machines", {"limit": 100})
    ids = [m.get("id") for m in items_of(body)]
    out = [] if ALPHA in ids else [f"the relay's fleet {s['fleet_id']} does not list alpha"]
    if result.machine_id != ALPHA or result.fleet_id != s["fleet_id"]:
        out.append(f"decoded link {short(to_data(result))} does not name alpha and the new fleet")
    return out


@op("fleets.machines.attach", _link_check)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.fleets.machines.attach(ALPHA, fleet_id=s["fleet_id"])


@op("fleets.machines.list[pages]", cursor_pages_vs(lambda s: f"/api/fleets/{FLEET}/machines", {"presence": "any", "limit": 2}),
    paging=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    # no pages() helper for fleet machines in 1.1.1: follow next_cursor by hand
    pages, cursor = [], None
    for _ in range(10):
        p = await c.fleets.machines.list(FLEET, limit=2, cursor=cursor)
        pages.append(p)
        cursor = p.next_cursor or None
        if not cursor or not p.has_more:
            break
    return pages


def _detached(relay: Relay, s: dict[str, Any]) -> list[str]:
    body = must_get(relay, "relay", f"/api/fleets/{s['fleet_id']}/machines", {"limit": 100})
    return ["the relay's new fleet still lists alpha"] if ALPHA in [m.get("id") for m in items_of(body)] else []


@op("fleets.machines.detach", returns_none_and(_detached))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.fleets.machines.detach(ALPHA, fleet_id=s["fleet_id"])


def _fleet_disabled(relay: Relay, s: dict[str, Any]) -> list[str]:
    f = _fleet_state(s, must_get(relay, "relay", "/api/fleets", {"page": 1, "per_page": 100}), s["fleet_id"])
    return [] if f.get("disabled_at") else ["the relay's fleet has no disabled_at"]


@op("fleets.disable", returns_none_and(_fleet_disabled))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.fleets.disable(s["fleet_id"])


# ---- keys -----------------------------------------------------------------

def _keys(s: dict[str, Any]) -> str:
    return f"/api/fleets/{FLEET}/api-keys"


@op("keys.list", same(_keys))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.keys.list()


def _issue_check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
    row = find(items_of(must_get(relay, "relay", _keys(s))), "id", result.id)
    out = decoded_vs_wire(result, row, skip=frozenset({"raw_token"}))
    # raw_token is in this response only (never stored): its key_prefix is stored
    if row.get("name") != "deploy-bot":
        out.append(f"the relay holds name {row.get('name')!r}, the call asked for 'deploy-bot'")
    exp, made = parse_ts(row.get("expires_at")), parse_ts(row.get("created_at"))
    if not exp or not made or abs((exp - made).total_seconds() - 30 * 86400) > 120:
        out.append(f"the relay's expires_at {row.get('expires_at')!r} is not created_at + 30 days")
    prefix = row.get("key_prefix") or ""
    if not prefix or not result.raw_token.startswith(prefix):
        out.append(f"raw_token does not start with the stored key_prefix {prefix!r}")
    return out


@op("keys.issue", _issue_check)
async def _(c: Any, s: dict[str, Any]) -> Any:
    r = await c.keys.issue("deploy-bot", expires_in_days=30)
    s["key_id"] = r.id
    return r


def _keys_pages_check(relay: Relay, s: dict[str, Any], pages: Any) -> list[str]:
    # The hosted spec has no paging on api-keys (docs/wire.md): the walk must
    # yield exactly the relay's full answer, in order.
    body = must_get(relay, "relay", _keys(s))
    rows = items_of(body)
    items = [it for p in pages for it in p.items]
    out: list[str] = []
    if len(items) != len(rows):
        out.append(f"the walk yielded {len(items)} keys, the relay holds {len(rows)}")
    for i, (it, row) in enumerate(zip(items, rows)):
        out += [f"key {i}: {d}" for d in decoded_vs_wire(it, row)]
    for k, p in enumerate(pages, start=1):
        if p.total != len(rows):
            out.append(f"page {k}: total {p.total} != {len(rows)} keys held")
    return out


@op("keys.list[pages]", _keys_pages_check, paging=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return [p async for p in c.keys.pages(per_page=1)]


def _revoked(relay: Relay, s: dict[str, Any]) -> list[str]:
    row = find(items_of(must_get(relay, "relay", _keys(s))), "id", s["key_id"])
    return [] if row.get("revoked_at") else ["the relay's key has no revoked_at"]


@op("keys.revoke", returns_none_and(_revoked))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.keys.revoke(s["key_id"])


# ---- tunnels --------------------------------------------------------------

def _sessions_check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
    body = must_get(relay, "relay", "/api/tunnels/connected-sessions")
    rows = body if isinstance(body, list) else items_of(body)
    out = []
    if len(result) != len(rows):
        out.append(f"{len(result)} decoded sessions != {len(rows)} on the wire")
    for i, (a, b) in enumerate(zip(result, rows)):
        out += [f"[{i}] {d}" for d in decoded_vs_wire(a, b)]
    if not isinstance(body, list):
        out.append("the relay does not answer a bare array (the hosted shape)")
    return out


@op("tunnels.sessions", _sessions_check)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.tunnels.sessions()


@op("tunnels.list", same(lambda s: "/api/tunnels", query=lambda s: {"page": 1, "per_page": 20}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.tunnels.list()


@op("tunnels.open", same(lambda s: f"/api/tunnels/{s['tunnel_id']}",
                         expect={"session_id": "s-bravo", "local_port": 3000, "protocol": "http",
                                 "subdomain": "compat-web", "local_host": "127.0.0.1"}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    r = await c.tunnels.open("s-bravo", local_port=3000, protocol="http", subdomain="compat-web",
                             options={"basic_auth": "ops:secret"})
    s["tunnel_id"] = r.tunnel_id
    return r


@op("tunnels.open[generated subdomain]", same(lambda s: f"/api/tunnels/{s['tunnel2_id']}",
                                              expect={"session_id": "s-echo", "local_port": 5432, "protocol": "tcp",
                                                      "local_host": "localhost"}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    r = await c.tunnels.open("s-echo", local_port=5432, protocol="tcp", local_host="localhost")
    s["tunnel2_id"] = r.tunnel_id
    return r


@op("tunnels.get", same(lambda s: f"/api/tunnels/{s['tunnel_id']}"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.tunnels.get(s["tunnel_id"])


@op("tunnels.list[pages]", pages_vs(lambda s: "/api/tunnels", lambda s, k: {"page": k, "per_page": 1}), paging=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return [p async for p in c.tunnels.pages(per_page=1)]


@op("tunnels.close", gone(lambda s: f"/api/tunnels/{s['tunnel_id']}"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.tunnels.close(s["tunnel_id"])


# ---- schedules ------------------------------------------------------------

def _sched(s: dict[str, Any], sid: str | None = None) -> str:
    return f"/api/fleets/{FLEET}/schedules" + (f"/{sid}" if sid else "")


@op("schedules.list", same(lambda s: _sched(s), query=lambda s: {"page": 1, "per_page": 20}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.schedules.list()


@op("schedules.get", same(lambda s: _sched(s, SCHEDULE)))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.schedules.get(SCHEDULE)


@op("schedules.runs", same(lambda s: _sched(s, SCHEDULE) + "/runs", query=lambda s: {"limit": 50}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.schedules.runs(SCHEDULE)


@op("schedules.create", same(lambda s: _sched(s, s["schedule_id"]),
                             expect={"name": "Weekly disk report", "cron_expr": "30 4 * * 1", "command": "df -h /",
                                     "description": "Disk usage of the web machines", "timezone": "Europe/Berlin",
                                     "target_kind": "specific_machines", "is_enabled": True,
                                     "machine_ids": [ALPHA, BRAVO]}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    r = await c.schedules.create(
        name="Weekly disk report", cron_expr="30 4 * * 1", command="df -h /",
        description="Disk usage of the web machines", timezone="Europe/Berlin",
        target_kind="specific_machines", machine_ids=[ALPHA, BRAVO])
    s["schedule_id"] = r.id
    return r


@op("schedules.update", same(lambda s: _sched(s, s["schedule_id"]),
                             expect={"name": "Weekly disk report (paused)", "is_enabled": False,
                                     "cron_expr": "45 4 * * 1", "command": "df -h /", "timezone": "Europe/Berlin"}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.schedules.update(s["schedule_id"], name="Weekly disk report (paused)", is_enabled=False,
                                    cron_expr="45 4 * * 1")


def _trigger_check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
    out = [] if result.queued else ["queued is false"]
    runs = items_of(must_get(relay, "relay", _sched(s, SCHEDULE) + "/runs", {"limit": 50}))
    ids = [str(r.get("id")) for r in runs]
    if result.job_id not in ids:
        out.append(f"job_id {result.job_id!r} is not a run the relay holds")
    return out


@op("schedules.trigger", _trigger_check)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.schedules.trigger(SCHEDULE)


@op("schedules.runs[pages]", cursor_pages_vs(lambda s: _sched(s, SCHEDULE) + "/runs", {"limit": 1}), paging=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return [p async for p in c.schedules.pages_runs(SCHEDULE, limit=1)]


@op("schedules.list[pages]", pages_vs(lambda s: _sched(s), lambda s, k: {"page": k, "per_page": 1}), paging=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return [p async for p in c.schedules.pages(per_page=1)]


@op("schedules.delete", gone(lambda s: _sched(s, s["schedule_id"])))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.schedules.delete(s["schedule_id"])


# ---- skills (platform plane) ----------------------------------------------

def sk(path: str) -> str:
    return SKILL_PATH + path


@op("skills.list", same(lambda s: sk("/skills/"), plane="platform"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.list()


@op("skills.list[filtered, page 2]", same(lambda s: sk("/skills/"), plane="platform",
                                          query=lambda s: {"search": "skill", "ordering": "-star_count",
                                                           "page": 2, "page_size": 5}), paging=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.list(search="skill", ordering="-star_count", page=2, page_size=5)


@op("skills.get", same(lambda s: sk("/skills/skill-01/"), plane="platform"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.get("skill-01")


@op("skills.get[lang]", same(lambda s: sk("/skills/skill-01/"), plane="platform", query=lambda s: {"lang": "de"}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.get("skill-01", lang="de")


@op("skills.versions", same(lambda s: sk("/skills/skill-01/versions/"), plane="platform"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.versions("skill-01")


@op("skills.reviews", same(lambda s: sk("/skills/skill-01/reviews/"), plane="platform"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.reviews("skill-01")


@op("skills.reviews[page 2]", same(lambda s: sk("/skills/skill-01/reviews/"), plane="platform",
                                   query=lambda s: {"page": 2, "page_size": 1}), paging=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.reviews("skill-01", page=2, page_size=1)


@op("skills.categories", same(lambda s: sk("/categories/"), plane="platform"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.categories()


@op("skills.tags", same(lambda s: sk("/tags/"), plane="platform"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.tags()


def _seed_skill(slug: str) -> dict[str, Any]:
    with open(os.path.join(ROOT, "relay", "seed", "platform.json")) as f:
        return find(json.load(f)["skills"], "slug", slug)


def _install_check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
    # The install payload is the POST's answer (not stored); what the relay
    # holds afterwards is the skill it names, with one more install.
    body = must_get(relay, "platform", sk("/skills/skill-02/"))
    out = []
    if result.slug != "skill-02":
        out.append(f"slug {result.slug!r} != 'skill-02'")
    want = _seed_skill("skill-02")["install_count"] + 1
    if body.get("install_count") != want:
        out.append(f"the relay's install_count is {body.get('install_count')}, expected {want}")
    latest = (body.get("latest_version") or {}).get("version")
    if latest and result.version != latest:
        out.append(f"version {result.version!r} != the relay's latest_version {latest!r}")
    return out


@op("skills.install", _install_check)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.install("skill-02")


def _star_check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
    body = must_get(relay, "platform", sk("/skills/skill-02/"))
    out = []
    if not result.starred:
        out.append("starred is false after starring an unstarred skill")
    if body.get("is_starred") is not True:
        out.append(f"the relay's is_starred is {body.get('is_starred')!r}")
    if result.star_count != body.get("star_count") or result.star_count != _seed_skill("skill-02")["star_count"] + 1:
        out.append(f"star_count {result.star_count} != the relay's {body.get('star_count')} (seed + 1)")
    return out


@op("skills.star", _star_check)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.star("skill-02")


def _my_slug(relay: Relay, s: dict[str, Any]) -> str:
    for it in items_of(must_get(relay, "platform", sk("/skills/my/"), {"page_size": 100})):
        if it.get("name") == "Compat Helper":
            return str(it.get("slug"))
    raise StateError("the relay's skills/my does not list 'Compat Helper'")


def _created_check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
    slug = _my_slug(relay, s)
    body = must_get(relay, "platform", sk(f"/skills/{slug}/"))
    return decoded_vs_wire(result, body)


@op("skills.create", _created_check)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.create("Compat Helper")


@op("skills.my", same(lambda s: sk("/skills/my/"), plane="platform"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    r = await c.skills.my()
    for it in r.results:
        if it.name == "Compat Helper":
            s["slug"] = it.slug
    if "slug" not in s:
        raise AssertionError("skills.my does not list the skill just created ('Compat Helper')")
    return r


@op("skills.my[page 2]", same(lambda s: sk("/skills/my/"), plane="platform",
                              query=lambda s: {"page": 2, "page_size": 1}), paging=True)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.my(page=2, page_size=1)


def _detail_as_updated(s: dict[str, Any], body: Any) -> Any:
    # SkillUpdated names the category by its slug; the detail nests the record
    cat = body.get("category") if isinstance(body, dict) else None
    return {**body, "category": cat.get("slug") if isinstance(cat, dict) else cat}


@op("skills.update", same(lambda s: sk(f"/skills/{s['slug']}/"), plane="platform", pick=_detail_as_updated,
                          expect={"category": "devops", "visibility": "private",
                                  "repository_url": "https://github.com/example/compat-helper"}))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.update(s["slug"], category="devops", visibility="private",
                                 repository_url="https://github.com/example/compat-helper")


def _publish_check(relay: Relay, s: dict[str, Any], result: Any) -> list[str]:
    # publish answers 202 with no body; the relay parses at once: the state
    # it holds afterwards is the proof that the body reached it intact
    body = must_get(relay, "platform", sk(f"/skills/{s['slug']}/publish-status/"))
    out = []
    if body.get("state") != "parsed" or body.get("version") != "0.1.0":
        out.append(f"the relay's publish state is {short(body)}, expected parsed 0.1.0")
    return out


@op("skills.publish", _publish_check)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.publish(
        s["slug"], json.dumps({"name": "compat-helper", "version": "0.1.0",
                               "description": "Checks wire compatibility"}),
        skill_md="---\nmodel: claude\n---\n# Compat helper\n", readme="Compat helper readme\n",
        changelog="0.1.0: first release\n")


@op("skills.publish_status", same(lambda s: sk(f"/skills/{s['slug']}/publish-status/"), plane="platform"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.publish_status(s["slug"])


@op("skills.delete", gone(lambda s: sk(f"/skills/{s['slug']}/"), plane="platform"))
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.delete(s["slug"])


# ---- under faults (last: a fault op may change state in one run only) -----
# One injected 503 before the call (POST /_control/fail). The checks differ
# from the fault-free ops (see main): (a) the official client surfaces it as a
# typed ServerError after exactly one request; (b) ours recovers: the call
# succeeds and its decoded value equals the relay's state (check_a below);
# (c) ours sends the official core's request, then only identical repeats of
# it (same Idempotency-Key), and only where differences.toml lists it.

FAULT_503 = {"count": 1, "status": 503, "retry_after": "0"}


@op("fault:machines.info[503 once]", same(lambda s: f"/api/admin/machines/{ALPHA}/info"), fault=FAULT_503)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.info(ALPHA)


@op("fault:machines.list[503 once]", same(lambda s: "/api/machines", query=lambda s: {"presence": "any", "limit": 2}),
    fault=FAULT_503)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.list(limit=2)


@op("fault:fleets.create[503 once]", same(lambda s: "/api/fleets", query=lambda s: {"page": 1, "per_page": 100},
                                         pick=lambda s, b: _fleet_state(s, b, s["fault_fleet_id"])), fault=FAULT_503)
async def _(c: Any, s: dict[str, Any]) -> Any:
    r = await c.fleets.create(name="Fault Fleet", slug="fault-fleet", mfa_required="none")
    s["fault_fleet_id"] = r.id
    return r


@op("fault:skills.get[503 once]", same(lambda s: sk("/skills/skill-03/"), plane="platform"), fault=FAULT_503)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.skills.get("skill-03")


# The ask POST is never retried by our core (docs/runtime.md: it starts an
# agent run and has no Idempotency-Key): ours must fail exactly like the official.
@op("fault:machines.ask[503 once]",
    lambda relay, s, r: [] if r == "after a fault" else [f"collected {r!r}, expected 'after a fault'"], fault=FAULT_503,
    fault_retry=False)
async def _(c: Any, s: dict[str, Any]) -> Any:
    return await c.machines.ask(BRAVO, "echo: after a fault", session_id="compat-ask-fault").collect()


# --------------------------------------------------------------------------
# running a tour
# --------------------------------------------------------------------------


class NeedsEarlier(Exception):
    """An op needs a value (an id) that an earlier op of the run did not produce."""


class State(dict):  # type: ignore[type-arg]
    """Values passed between the ops of one run (created ids, slugs)."""

    def __missing__(self, key: str) -> Any:
        raise NeedsEarlier(key)


@dataclasses.dataclass
class OpRun:
    name: str
    ok: bool = False  # the call succeeded as meant (no exception, or the expected error)
    error: str = ""
    result: Any = None
    data: Any = None
    requests: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    check_a: list[str] | None = None
    skipped: str = ""


async def run_tour(relay: Relay, mode: str, core: str | None, ops: list[Op], do_check_a: bool,
                   log: Callable[[str], None], diffs: dict[str, Any]) -> tuple[list[OpRun], float, float]:
    relay.control("POST", "/reset", {"state": True})
    env = {
        "CMDOP_TOKEN": relay.token,
        "CMDOP_BASE_URL": relay.relay_url,
        "CMDOP_API_KEY": relay.api_key,
        "CMDOP_API_BASE_URL": relay.platform_url,
        "CMDOP_FLEET_ID": FLEET,
    }
    os.environ.update(env)
    os.environ.pop("CMDOP_CORE_BINARY", None)
    if core:
        os.environ["CMDOP_CORE_BINARY"] = core
    s: dict[str, Any] = State()
    out: list[OpRun] = []
    client = cmdop.Client()
    t0 = time.time()
    try:
        for o in ops:
            r = OpRun(o.name)
            before = len(relay.settled_requests())
            if o.fault:
                relay.control("POST", "/fail", o.fault)
            try:
                r.result = await asyncio.wait_for(o.run(client, s), OP_TIMEOUT)
                r.ok = True
            except NeedsEarlier as e:
                r.skipped = f"needs {e.args[0]!r} from an earlier op that failed"
            except asyncio.TimeoutError:
                r.error = f"timed out after {OP_TIMEOUT:.0f}s"
            except cmdop.CmdopError as e:
                r.error = f"{type(e).__name__}({getattr(e, 'code', None)!r}): {e}"
                r.result = e
            except Exception as e:  # noqa: BLE001 - a decode error in the client is a result
                r.error = f"{type(e).__name__}: {e}"
                r.result = e
            if r.error and ("exited" in r.error or "timed out" in r.error or "not running" in r.error):
                # start a fresh core for the next op
                try:
                    await asyncio.wait_for(client.aclose(), 10)
                except Exception:  # noqa: BLE001
                    pass
                client = cmdop.Client()
            if o.fault:
                relay.control("POST", "/fail", {"count": 0})  # disarm if the call never reached the relay
            r.requests = relay.settled_requests()[before:]
            r.data = to_data(r.result) if (r.ok or r.result is not None) else None
            if (do_check_a or o.fault) and r.ok:
                compare.DROPPED_BY_OFFICIAL = dropped_fields(diffs, o.name) if mode == "official" else frozenset()
                try:
                    r.check_a = o.check_a(relay, s, r.result)
                except StateError as e:
                    r.check_a = [str(e)]
                except Exception as e:  # noqa: BLE001
                    r.check_a = [f"check raised {type(e).__name__}: {e}"]
            out.append(r)
            log(f"  {mode:8s} {o.name}: {'ok' if r.ok else (r.skipped or r.error)}")
    finally:
        try:
            await asyncio.wait_for(client.aclose(), 10)
        except Exception:  # noqa: BLE001
            pass
    return out, t0, time.time()


# --------------------------------------------------------------------------
# (c): requests and the reviewed differences
# --------------------------------------------------------------------------


def load_differences(path: str) -> dict[str, Any]:
    with open(path, "rb") as f:
        d = tomllib.load(f)
    for kind in ("header", "request", "decoded", "result"):
        for i, e in enumerate(d.get(kind, [])):
            for key in ("reason", "evidence"):
                if not str(e.get(key, "")).strip():
                    raise SystemExit(f"compat: {path}: [[{kind}]] #{i + 1} has no {key}")
    return d


def dropped_fields(diffs: dict[str, Any], op_name: str) -> frozenset[str]:
    """The [[decoded]] fields listed for this op (see compare.DROPPED_BY_OFFICIAL)."""
    return frozenset(e["field"] for e in diffs.get("decoded", []) if _op_matches(e.get("ops"), op_name))


def pages_compared_as_items(diffs: dict[str, Any], op_name: str) -> bool:
    """A [[result]] entry lists the op: (b) compares the items of the walk,
    not its page boundaries (paging that ours emulates where the official
    core ignores the page parameters)."""
    return any(_op_matches(e.get("ops"), op_name) for e in diffs.get("result", []))


def walk_items(data: Any) -> Any:
    """The items of a walk of pages (a list of page dicts), in order."""
    if isinstance(data, list) and all(isinstance(p, dict) and "items" in p for p in data):
        return [it for p in data for it in p["items"]]
    return data


def _match_value(pattern: Any, value: str | None) -> bool:
    import re

    if pattern == "absent":
        return value is None
    if pattern == "any":
        return value is not None
    if isinstance(pattern, str) and pattern.startswith("re:"):
        return value is not None and re.fullmatch(pattern[3:], value) is not None
    return value == pattern


def op_glob(op_name: str, pattern: str) -> bool:
    """`*` and `?` are wildcards; brackets are literal (op names use them)."""
    return op_name == pattern or fnmatch.fnmatchcase(op_name, pattern.replace("[", "[[]"))


def _op_matches(patterns: Any, op_name: str) -> bool:
    if patterns in (None, "*"):
        return True
    if isinstance(patterns, str):
        patterns = [patterns]
    return any(op_glob(op_name, p) for p in patterns)


def header_diffs(op_name: str, a: dict[str, Any], b: dict[str, Any], diffs: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Unlisted header differences, and the listed ones that applied."""
    bad, listed = [], []
    ha = {k.lower(): v for k, v in (a.get("headers") or {}).items()}
    hb = {k.lower(): v for k, v in (b.get("headers") or {}).items()}
    for name in sorted(set(ha) | set(hb)):
        va, vb = ha.get(name), hb.get(name)
        if va == vb:
            continue
        for e in diffs.get("header", []):
            if (e["name"].lower() == name and _op_matches(e.get("ops"), op_name)
                    and (e.get("method") in (None, a.get("method")))
                    and _match_value(e.get("official", "any"), va) and _match_value(e.get("ours", "any"), vb)):
                listed.append(name)
                break
        else:
            bad.append(f"header {name}: official {short(va)}, ours {short(vb)}")
    return bad, listed


def request_key(r: dict[str, Any]) -> dict[str, Any]:
    body = r.get("body")
    if isinstance(body, str):
        # the relay records the raw text of a body it did not parse (e.g. a
        # request failed by /_control/fail before parsing); this API's bodies
        # are JSON objects, so compare the JSON the text holds
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, (dict, list)):
            body = parsed
    return {"method": r.get("method"), "path": r.get("path"), "query": r.get("query") or {}, "body": body}


def check_c(op: Op, ra: OpRun, rb: OpRun, va: Volatile, vb: Volatile, diffs: dict[str, Any]) -> tuple[list[str], list[str], bool]:
    """(c) for one op. Returns (failures, notes, headers_recorded)."""
    fails: list[str] = []
    notes: list[str] = []
    A = [va.apply(request_key(r)) for r in ra.requests]
    B = [vb.apply(request_key(r)) for r in rb.requests]
    everything = ra.requests + rb.requests
    recorded = all("headers" in r for r in everything)
    if recorded and everything and not all("host" in {k.lower() for k in (r.get("headers") or {})} for r in everything):
        notes.append("headers: the relay records only " + ",".join(sorted({k.lower() for r in everything for k in (r.get("headers") or {})})))
    req_diffs: list[str] = []
    pairs_raw = list(zip(ra.requests, rb.requests))
    if op.fault and A and len(B) > len(A):
        # ours may repeat the official core's last request (a retry) - only
        # identical repeats, only with one Idempotency-Key, only if listed
        extra = B[len(A):]
        bad = [i for i, b in enumerate(extra) if canon(b) != canon(B[len(A) - 1])]
        listed = [e for e in diffs.get("request", []) if _op_matches(e.get("ops"), op.name)]
        keys = {(x.get("headers") or {}).get("idempotency-key") for x in rb.requests}
        if bad:
            req_diffs.append(f"ours sent {len(extra)} more requests, not all repeats of request {len(A)}")
        elif len(keys) > 1:
            req_diffs.append(f"ours' retries carry different Idempotency-Keys {sorted(k or '-' for k in keys)}")
        elif not listed:
            req_diffs.append(f"ours retried {len(extra)} time(s); no [[request]] entry lists it")
        else:
            notes.append(f"ours retried {len(extra)} time(s), identical requests (listed: {listed[0]['reason'][:60]})")
            pairs_raw += [(ra.requests[-1], x) for x in rb.requests[len(A):]]
            B = B[:len(A)]
    if len(A) != len(B):
        req_diffs.append(f"official sent {len(A)} requests, ours {len(B)}: "
                         f"official {[a['method'] + ' ' + a['path'] for a in A]} ours {[b['method'] + ' ' + b['path'] for b in B]}")
    for i, (a, b) in enumerate(zip(A, B)):
        for part in ("method", "path", "query", "body"):
            if canon(a[part]) != canon(b[part]):
                req_diffs.append(f"request {i + 1} ({a['method']} {a['path']}) {part}: official {short(a[part], 200)}, ours {short(b[part], 200)}")
    if req_diffs:
        if op.paging:
            listed = [e for e in diffs.get("request", []) if _op_matches(e.get("ops"), op.name)]
            if listed:
                notes.append("listed request differences (past page 1): " + "; ".join(e["reason"][:70] for e in listed))
                req_diffs = []
        fails += req_diffs
    if recorded:
        listed_all: set[str] = set()
        for i, (a, b) in enumerate(pairs_raw):
            bad, listed = header_diffs(op.name, a, b, diffs)
            fails += [f"request {i + 1} ({a.get('method')} {va.apply(a.get('path'))}): {x}" for x in bad]
            listed_all.update(listed)
        if listed_all:
            notes.append("listed header differences: " + ", ".join(sorted(listed_all)))
    return fails, notes, recorded


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def seed_strings(relay: Relay) -> set[str]:
    keep: set[str] = set()
    seed_dir = os.path.join(ROOT, "relay", "seed")
    for fn in sorted(os.listdir(seed_dir)):
        if fn.endswith(".json"):
            with open(os.path.join(seed_dir, fn)) as f:
                strings_of(json.load(f), keep)
    strings_of(relay.info, keep)
    return keep


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--core", default=os.environ.get("CMDOP_COMPAT_CORE", os.path.join(ROOT, "build", "cmdop-core")),
                    help="our cmdop-core (runs the relay, and is the core of the 'ours' run)")
    ap.add_argument("--only", action="append", default=[],
                    help="run only ops matching this glob or prefix (repeatable), e.g. 'fleets.*' or machines.ask")
    ap.add_argument("--keep", action="store_true",
                    help="keep the relay running afterwards and write every result and recording to --out")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "compat-out"), help="where --keep writes its files")
    ap.add_argument("--differences", default=os.path.join(HERE, "differences.toml"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    core = os.path.abspath(args.core)
    if not os.access(core, os.X_OK):
        print(f"compat: {core} is not an executable (make build/cmdop-core, or pass --core)", file=sys.stderr)
        return 2
    diffs = load_differences(args.differences)

    ops = OPS
    if args.only:
        def wanted(n: str) -> bool:
            return any(op_glob(n, p) or n.startswith(p) for p in args.only)
        ops = [o for o in OPS if wanted(o.name)]
        if not ops:
            print(f"compat: no op matches {args.only}", file=sys.stderr)
            return 2

    def log(msg: str) -> None:
        if args.verbose:
            print(msg, file=sys.stderr, flush=True)

    os.makedirs(args.out, exist_ok=True)
    relay_log = open(os.path.join(args.out, "relay.log"), "w")
    relay = Relay(core, relay_log)
    try:
        keep = seed_strings(relay)
        # literal arguments of the tour are not generated values either
        keep |= {"compat-web", "compat-fleet", "deploy-bot", "hello from compat"}
        official, ta0, ta1 = asyncio.run(run_tour(relay, "official", None, ops, True, log, diffs))
        ours, tb0, tb1 = asyncio.run(run_tour(relay, "ours", core, ops, False, log, diffs))
    except BaseException:
        relay.stop()
        raise

    va = Volatile(keep, ta0, ta1)
    vb = Volatile(keep, tb0, tb1)
    for r in official:
        va.collect(r.data, r.name)
        va.collect([request_key(x) for x in r.requests], r.name)
    for r in ours:
        vb.collect(r.data, r.name)
        vb.collect([request_key(x) for x in r.requests], r.name)

    passed = failed = 0
    lines: list[str] = []
    table: list[dict[str, Any]] = []
    headers_seen = True

    def emit(check: str, name: str, ok: bool, why: str = "") -> None:
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
        lines.append(f"{check} {name:40s} {'ok' if ok else 'FAIL'}{('  ' + why) if why else ''}")

    for o, ra, rb in zip(ops, official, ours):
        row = {"op": o.name}
        if o.fault:
            # (a) the official client surfaces the injected failure, typed, after one request
            st = [x.get("status") for x in ra.requests]
            why = []
            if ra.ok:
                why.append("the official call succeeded under the injected 503 (expected a typed ServerError)")
            elif not isinstance(ra.result, cmdop.CmdopError) or getattr(ra.result, "code", None) != "server":
                why.append(f"raised {ra.error or ra.skipped}, expected a typed error with code 'server'")
            if st != [o.fault.get("status", 503)]:
                why.append(f"the relay recorded statuses {st}, expected one {o.fault.get('status', 503)}")
            emit("a", o.name, not why, "; ".join(why)); row["a"] = "ok" if not why else "FAIL"
            # (b) ours recovers: success, and the decoded value equals the relay's state;
            # or, for an op ours never retries, the same typed error (class and code)
            if not o.fault_retry:
                sa = (type(ra.result).__name__, getattr(ra.result, "code", None)) if not ra.ok else ("no error", None)
                sb = (type(rb.result).__name__, getattr(rb.result, "code", None)) if not rb.ok else ("no error", None)
                emit("b", o.name, sa == sb and not rb.ok, "" if sa == sb else f"official {sa}, ours {sb}")
                row["b"] = "ok" if sa == sb and not rb.ok else "FAIL"
            elif not rb.ok:
                emit("b", o.name, False, f"call failed: {rb.skipped or rb.error}"); row["b"] = "FAIL"
            elif rb.check_a:
                emit("b", o.name, False, "; ".join(rb.check_a[:6])); row["b"] = "FAIL"
            else:
                emit("b", o.name, True); row["b"] = "ok"
            fails, notes, recorded = check_c(o, ra, rb, va, vb, diffs)
            why_c = "; ".join(fails[:6] + notes)
            emit("c", o.name, not fails, why_c); row["c"] = "ok" if not fails else "FAIL"
            table.append(row)
            continue
        # (a)
        if ra.skipped:
            emit("a", o.name, False, f"skipped: {ra.skipped}"); row["a"] = "FAIL"
        elif not ra.ok:
            emit("a", o.name, False, f"call failed: {ra.error}"); row["a"] = "FAIL"
        elif ra.check_a:
            emit("a", o.name, False, "; ".join(ra.check_a[:6]) + (f" (+{len(ra.check_a) - 6} more)" if len(ra.check_a) > 6 else ""))
            row["a"] = "FAIL"
        else:
            emit("a", o.name, True); row["a"] = "ok"
        # (b)
        if rb.skipped:
            emit("b", o.name, False, f"skipped: {rb.skipped}"); row["b"] = "FAIL"
        elif not rb.ok:
            emit("b", o.name, False, f"call failed: {rb.error}"); row["b"] = "FAIL"
        elif not ra.ok:
            emit("b", o.name, False, "no official result to compare with (see a)"); row["b"] = "FAIL"
        else:
            da, db = va.apply(ra.data), vb.apply(rb.data)
            if pages_compared_as_items(diffs, o.name):
                da, db = walk_items(da), walk_items(db)
            d = diff_data(da, db, dropped=dropped_fields(diffs, o.name))
            emit("b", o.name, not d, "; ".join(d)); row["b"] = "ok" if not d else "FAIL"
        # (c)
        if ra.skipped or rb.skipped:
            emit("c", o.name, False, "skipped (an earlier op failed)"); row["c"] = "FAIL"
        else:
            fails, notes, recorded = check_c(o, ra, rb, va, vb, diffs)
            headers_seen = headers_seen and recorded
            why = "; ".join(fails[:6]) + (f" (+{len(fails) - 6} more)" if len(fails) > 6 else "")
            if notes:
                why = "; ".join(([why] if why else []) + notes)
            if not recorded:
                why = (why + "; " if why else "") + "headers not compared (the relay records no full `headers`)"
            emit("c", o.name, not fails, why); row["c"] = "ok" if not fails else "FAIL"
        table.append(row)

    for ln in lines:
        print(ln)
    n = len(ops)
    sa = sum(1 for t in table if t["a"] == "ok")
    sb = sum(1 for t in table if t["b"] == "ok")
    sc = sum(1 for t in table if t["c"] == "ok")
    print()
    print(f"summary: {n} ops; (a) official core vs our relay {sa}/{n}; (b) our core vs the official core {sb}/{n}; "
          f"(c) same requests {sc}/{n}")
    if not headers_seen:
        print("note: the relay's /_control/requests has no full `headers` field yet: headers were not compared")

    if args.keep:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "results.json"), "w") as f:
            json.dump({"relay": relay.info, "ops": [
                {"op": o.name,
                 "official": {"ok": ra.ok, "error": ra.error, "data": ra.data, "check_a": ra.check_a, "requests": ra.requests},
                 "ours": {"ok": rb.ok, "error": rb.error, "data": rb.data, "requests": rb.requests}}
                for o, ra, rb in zip(ops, official, ours)]}, f, indent=1, default=str)
        with open(os.path.join(args.out, "report.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"kept: results in {args.out}; the relay is still running (pid {relay.proc.pid}): "
              f"{json.dumps(relay.info)}", file=sys.stderr)
        print(f"{passed} passed, {failed} failed")
        sys.stdout.flush()
        os._exit(1 if failed else 0)  # leave the relay running
    relay.stop()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
