"""The two presence readings of the stdio server (docs/stdio.md "Presence"), end to
end against the relay: raw envelopes as the official 1.1 client writes them (no
hello: an absent field is its proto3 zero value) and as ours do (hello: absent =
not passed), plus the 1.1 OffsetPage of list requests."""
from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from cmdop._core import _read_frame, _varint
from cmdop.core.v1 import (common_pb2, envelope_pb2, fleets_pb2, machines_pb2,
                           schedules_pb2)

from conftest import CORE, Relay

K = common_pb2.Kind
F1 = "10000000-0000-4000-8000-000000000001"
M1 = "20000000-0000-4000-8000-000000000001"


class RawCore:
    """cmdop-core --stdio driven frame by frame."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.next_id = 1

    @classmethod
    async def start(cls, relay: Relay, hello: bool) -> RawCore:
        env = dict(os.environ, CMDOP_TOKEN=relay.token, CMDOP_BASE_URL=relay.url,
                   CMDOP_API_KEY=relay.api_key, CMDOP_API_BASE_URL=relay.platform_url)
        proc = await asyncio.create_subprocess_exec(
            CORE, "--stdio", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, env=env)
        core = cls(proc)
        first = await core.read()
        assert first.WhichOneof("payload") == "hello" and first.id == 0
        if hello:
            core.write(envelope_pb2.Envelope(
                id=0, kind=K.KIND_REQUEST,
                hello=common_pb2.Hello(version="test", idl_hash=first.hello.idl_hash)))
        return core

    def write(self, env: envelope_pb2.Envelope) -> None:
        assert self.proc.stdin is not None
        body = env.SerializeToString()
        self.proc.stdin.write(_varint(len(body)) + body)

    async def read(self) -> envelope_pb2.Envelope:
        assert self.proc.stdout is not None
        env = await asyncio.wait_for(_read_frame(self.proc.stdout), 10)
        assert env is not None
        return env

    async def call(self, **arm: Any) -> envelope_pb2.Envelope:
        env = envelope_pb2.Envelope(id=self.next_id, kind=K.KIND_REQUEST, **arm)
        self.next_id += 1
        self.write(env)
        while True:
            out = await self.read()
            if out.id == env.id:
                return out

    async def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        await asyncio.wait_for(self.proc.wait(), 10)


def last(relay: Relay, method: str, path_end: str) -> dict[str, Any]:
    reqs = relay.control("/requests")
    reqs = reqs.get("requests", reqs) if isinstance(reqs, dict) else reqs
    hits = [r for r in reqs if r["method"] == method and r["path"].endswith(path_end)]
    assert hits, f"no {method} ...{path_end} in {reqs}"
    return hits[-1]  # type: ignore[no-any-return]


@pytest.mark.parametrize("hello", [False, True])
async def test_create_schedule_is_enabled_absent(relay: Relay, hello: bool) -> None:
    """schedules.create(..., is_enabled=False) from a 1.1 client: is_enabled is not on
    the wire. Without hello it is false; with hello the IDL default (true) applies."""
    core = await RawCore.start(relay, hello)
    try:
        out = await core.call(create_schedule_req=schedules_pb2.CreateScheduleRequest(
            fleet_id=F1, name="nightly", cron_expr="0 3 * * *", command="uptime",
            timezone="UTC",
            target_kind=schedules_pb2.SCHEDULE_TARGET_KIND_ALL_FLEET_MACHINES))
        assert out.kind == K.KIND_RESPONSE, out
        body = last(relay, "POST", "/schedules")["body"]
        assert body["is_enabled"] is (True if hello else False)
        assert out.schedule_view.is_enabled is (True if hello else False)
        # description absent: "" without hello; with hello the IDL default ("") too
        assert body.get("description", "") == ""
    finally:
        await core.close()


@pytest.mark.parametrize("hello", [False, True])
async def test_confirm_false_reaches_the_relay(relay: Relay, hello: bool) -> None:
    """stream.confirm(token, False): accept=false is absent on the wire. Without hello
    the core posts accept=false; with hello `accept` is not passed, and as a required
    param of the confirm channel that answer never leaves the core (our clients always
    set it)."""
    core = await RawCore.start(relay, hello)
    try:
        ask = envelope_pb2.Envelope(id=1, kind=K.KIND_REQUEST, ask_req=machines_pb2.AskRequest(
            machine_id=M1, session_id="s" * 32, prompt="rm -rf /tmp/x"))
        core.write(ask)
        cb = await core.read()
        assert cb.kind == K.KIND_CALLBACK and cb.WhichOneof("payload") == "confirm_required"
        core.write(envelope_pb2.Envelope(
            id=1, kind=K.KIND_ANSWER,
            confirm_answer=machines_pb2.ConfirmAnswer(token=cb.confirm_required.token)))
        if hello:
            await asyncio.sleep(0.5)
            reqs = relay.control("/requests")
            reqs = reqs.get("requests", reqs) if isinstance(reqs, dict) else reqs
            assert not [r for r in reqs if r["path"].endswith("/confirm")]
            core.write(envelope_pb2.Envelope(id=1, kind=K.KIND_CANCEL))
            while (await core.read()).kind not in (K.KIND_DONE, K.KIND_ERROR):
                pass
            return
        end = await core.read()
        while end.kind == K.KIND_EVENT:
            end = await core.read()
        assert end.kind == K.KIND_DONE and not end.done.success, end
        assert last(relay, "POST", "/confirm")["body"]["accept"] is False
    finally:
        await core.close()


@pytest.mark.parametrize("hello", [False, True])
async def test_offset_page(relay: Relay, hello: bool) -> None:
    """The 1.1 OffsetPage{offset, per_page} back to page/per_page on the wire."""
    core = await RawCore.start(relay, hello)
    try:
        out = await core.call(list_members_req=fleets_pb2.ListMembersRequest(
            fleet_id=F1, page=common_pb2.OffsetPage(offset=4, per_page=2)))
        assert out.kind == K.KIND_RESPONSE, out
        q = last(relay, "GET", "/members")["query"]
        assert q.get("page") == "3" and q.get("per_page") == "2", q
        # per_page not given (1.1: OffsetPage(offset=0, per_page=0)): no paging params
        out = await core.call(list_members_req=fleets_pb2.ListMembersRequest(
            fleet_id=F1, page=common_pb2.OffsetPage()))
        assert out.kind == K.KIND_RESPONSE, out
        q = last(relay, "GET", "/members")["query"]
        assert "page" not in q and "per_page" not in q, q
        # per_page 0 set explicitly: the 1.1 "not given"; with hello it is passed
        p = common_pb2.OffsetPage(offset=0)
        p.per_page = 0
        out = await core.call(list_members_req=fleets_pb2.ListMembersRequest(fleet_id=F1, page=p))
        if hello:
            assert out.kind == K.KIND_ERROR and out.error.field == "per_page", out
        else:
            assert out.kind == K.KIND_RESPONSE, out
    finally:
        await core.close()


async def test_our_client_pages_with_offset_page(relay: Relay) -> None:
    """Our client: page + per_page travel as OffsetPage; pages() without a per_page
    takes the size of the first answer; page 2 without per_page is refused."""
    import cmdop
    c = relay.client(fleet_id=F1)
    try:
        await c.fleets.members.list(page=2, per_page=1)
        q = last(relay, "GET", "/members")["query"]
        assert q.get("page") == "2" and q.get("per_page") == "1", q
        await c.fleets.members.list()
        q = last(relay, "GET", "/members")["query"]
        assert "page" not in q and "per_page" not in q, q
        ids = [m.user_id async for m in c.fleets.members.iter(per_page=1)]
        assert len(ids) == len(set(ids)) >= 2
        with pytest.raises(cmdop.ValidationError) as info:
            await c.fleets.members.list(page=2)
        assert info.value.field == "per_page"
    finally:
        await c.aclose()


@pytest.mark.parametrize("hello", [False, True])
async def test_stream_error_codes(relay: Relay, hello: bool) -> None:
    """An agent's own stream error: verbatim for our clients, the 1.1 core's code
    (machine_offline -> unavailable) for a client without hello."""
    core = await RawCore.start(relay, hello)
    try:
        out = await core.call(ask_req=machines_pb2.AskRequest(
            machine_id="20000000-0000-4000-8000-000000000004", session_id="s" * 32,
            prompt="echo: hi"))
        assert out.kind == K.KIND_ERROR, out
        assert out.error.code == ("machine_offline" if hello else "unavailable")
    finally:
        await core.close()


@pytest.mark.parametrize("hello", [False, True])
async def test_unpaged_list_ignores_the_page_without_hello(relay: Relay, hello: bool) -> None:
    """keys.list (the service does not page it): the 1.1 core ignores the OffsetPage
    and answers the whole list; our clients get the core's emulated paging."""
    from cmdop.core.v1 import keys_pb2
    core = await RawCore.start(relay, hello)
    try:
        issued = await core.call(issue_key_req=keys_pb2.IssueKeyRequest(fleet_id=F1, name="k2"))
        assert issued.kind == K.KIND_RESPONSE, issued
        whole = await core.call(list_keys_req=keys_pb2.ListKeysRequest(fleet_id=F1))
        n = len(whole.api_key_list.items)
        assert n >= 2
        out = await core.call(list_keys_req=keys_pb2.ListKeysRequest(
            fleet_id=F1, page=common_pb2.OffsetPage(offset=0, per_page=1)))
        assert out.kind == K.KIND_RESPONSE, out
        assert len(out.api_key_list.items) == (1 if hello else n)
        q = last(relay, "GET", "/api-keys")["query"]
        assert "page" not in q and "per_page" not in q, q
    finally:
        await core.close()
