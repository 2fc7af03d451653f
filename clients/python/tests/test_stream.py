"""machines.ask through the core: every frame type, pin and confirm answered
mid-stream, collect, stream errors, cancel by breaking out of the loop, and
100 concurrent streams on one core."""
from __future__ import annotations

import asyncio
import builtins
import time

import pytest

import cmdop
from conftest import Relay

ALPHA, CHARLIE, DELTA = ("20000000-0000-4000-8000-00000000000" + n for n in "134")


async def test_event_and_done_frames(client: cmdop.Client) -> None:
    frames = [f async for f in client.machines.ask(ALPHA, "echo: one two three")]
    events, done = frames[:-1], frames[-1]
    assert [f.type for f in frames] == ["event"] * 3 + ["done"]
    assert all(isinstance(f, cmdop.EventFrame) and f.event_type == 1 for f in events)
    assert [f.payload for f in events if isinstance(f, cmdop.EventFrame)] == \
        [{"delta": "one "}, {"delta": "two "}, {"delta": "three"}]
    assert isinstance(done, cmdop.DoneFrame) and done.success and done.text == "one two three"
    assert done.error == "" and done.duration_ms >= 0


async def test_collect(client: cmdop.Client) -> None:
    assert await client.machines.ask(ALPHA, "hello there").collect() == "ok: hello there"


async def test_pin_answered_mid_stream(client: cmdop.Client) -> None:
    stream = client.machines.ask(CHARLIE, "echo: gated")
    seen = []
    async for f in stream:
        seen.append(f.type)
        if isinstance(f, cmdop.PinRequiredFrame):
            assert f.challenge_id and f.label == "PIN for charlie"
            await stream.pin(f.challenge_id, "1234")
        if isinstance(f, cmdop.DoneFrame):
            assert f.text == "gated"
    assert seen[0] == "pin_required" and seen[-1] == "done"


async def test_pin_without_await_is_sent(client: cmdop.Client) -> None:
    """A 1.1.0 program may call pin() without awaiting it: the answer goes out anyway."""
    stream = client.machines.ask(CHARLIE, "echo: sync")
    async for f in stream:
        if isinstance(f, cmdop.PinRequiredFrame):
            stream.pin(f.challenge_id, "1234")
        last = f
    assert isinstance(last, cmdop.DoneFrame) and last.text == "sync"


async def test_wrong_pin_mid_stream(client: cmdop.Client) -> None:
    stream = client.machines.ask(CHARLIE, "hi")
    types: list[str] = []
    with pytest.raises(cmdop.PinDeniedError) as info:
        async for f in stream:
            types.append(f.type)
            if isinstance(f, cmdop.PinRequiredFrame):
                await stream.pin(f.challenge_id, "0000")
    assert isinstance(info.value, cmdop.PermissionError) and info.value.code == "pin_denied"
    assert types[0] == "pin_required" and "pin_denied" in types


async def test_pin_denied_frame_upfront(client: cmdop.Client) -> None:
    frames: list[cmdop.Frame] = []
    with pytest.raises(cmdop.PinDeniedError):
        async for f in client.machines.ask(CHARLIE, "hi", pin="9999"):
            frames.append(f)
    assert isinstance(frames[-1], cmdop.PinDeniedFrame) and frames[-1].challenge_id is not None
    assert await client.machines.ask(CHARLIE, "hi", pin="1234").collect() == "ok: hi"


async def test_pin_timeout(client: cmdop.Client, relay: Relay) -> None:
    relay.control("/ask", {"pin_timeout_ms": 200})
    with pytest.raises(cmdop.PinTimeoutError):
        await client.machines.ask(CHARLIE, "hi").collect()


async def test_confirm_accept_and_reject(client: cmdop.Client) -> None:
    for accept in (True, False):
        stream = client.machines.ask(ALPHA, "rm -rf /tmp/scratch")
        async for f in stream:
            if isinstance(f, cmdop.ConfirmRequiredFrame):
                assert f.danger_level == "high" and f.plan == "run: rm -rf /tmp/scratch"
                await stream.confirm(f.token, accept)
            last = f
        assert isinstance(last, cmdop.DoneFrame) and last.success is accept
        assert last.error == ("" if accept else "rejected")


async def test_unknown_frame_type(client: cmdop.Client, relay: Relay) -> None:
    relay.control("/ask", {"unknown_type_after": 1})
    frames = [f async for f in client.machines.ask(ALPHA, "echo: a b")]
    unknown = [f for f in frames if isinstance(f, cmdop.UnknownFrame)]
    assert len(unknown) == 1 and frames[-1].type == "done"
    # lossless and in order: the relay's `telemetry` frame right after the
    # first event, with its own type and its whole payload
    assert [f.type for f in frames] == ["event", "telemetry", "event", "done"]
    assert unknown[0].type == "telemetry"
    assert unknown[0].raw == {"type": "telemetry", "cpu_pct": 12.5,
                              "note": "injected unknown type"}


async def test_offline_machine_is_agent_stream_error(client: cmdop.Client) -> None:
    with pytest.raises(cmdop.AgentStreamError) as info:
        await client.machines.ask(DELTA, "hi").collect()
    assert info.value.code == "machine_offline" and info.value.message


async def test_idle_stream_is_caught_as_builtin_timeout(client: cmdop.Client,
                                                        relay: Relay) -> None:
    relay.control("/ask", {"stall_ms": 4000, "stall_after": 1, "heartbeat_ms": 0})
    t0 = time.monotonic()
    with pytest.raises(builtins.TimeoutError) as info:
        await client.machines.ask(ALPHA, "echo: a b", timeout_seconds=1).collect()
    assert time.monotonic() - t0 < 3.5
    err = info.value
    assert isinstance(err, cmdop.TimeoutError) and isinstance(err, cmdop.ConnectionError)
    assert isinstance(err, builtins.ConnectionError) and isinstance(err, cmdop.CmdopError)
    assert isinstance(err, cmdop.AgentStreamError) and err.code == "timeout"


def test_kind_classes_subclass_the_builtins() -> None:
    assert issubclass(cmdop.TimeoutError, builtins.TimeoutError)
    assert issubclass(cmdop.TimeoutError, cmdop.ConnectionError)
    assert issubclass(cmdop.ConnectionError, builtins.ConnectionError)
    assert issubclass(cmdop.ConnectionError, cmdop.CmdopError)
    assert not issubclass(cmdop.PermissionError, builtins.PermissionError)
    e = cmdop.TimeoutError("slow", status=None)
    assert e.code == "timeout" and str(e) == "timeout: slow" and e.retryable


async def test_answer_before_start_raises(client: cmdop.Client) -> None:
    with pytest.raises(RuntimeError):
        client.machines.ask(ALPHA, "hi").pin("c", "1234")


async def _wait(relay: Relay, key: str, want: int) -> dict[str, int]:
    deadline = time.monotonic() + 10
    while True:
        s: dict[str, int] = relay.control("/streams")
        if s[key] >= want or time.monotonic() > deadline:
            return s
        await asyncio.sleep(0.05)


async def test_break_cancels_the_stream(client: cmdop.Client, relay: Relay) -> None:
    relay.control("/ask", {"delay_ms": 200})
    before = relay.control("/streams")["cancelled"]
    async for f in client.machines.ask(ALPHA, "echo: " + "w " * 50):
        assert f.type == "event"
        break
    s = await _wait(relay, "cancelled", before + 1)
    assert s["cancelled"] == before + 1 and s["active"] == 0
    # the same core goes on serving
    assert (await client.machines.get(ALPHA)).summary.name == "alpha"


async def test_aclose_cancels_the_stream(client: cmdop.Client, relay: Relay) -> None:
    relay.control("/ask", {"delay_ms": 200})
    before = relay.control("/streams")["cancelled"]
    stream = client.machines.ask(ALPHA, "echo: " + "w " * 50)
    it = stream.__aiter__()
    assert (await it.__anext__()).type == "event"
    await stream.aclose()
    assert (await _wait(relay, "cancelled", before + 1))["cancelled"] == before + 1


async def test_100_concurrent_streams(client: cmdop.Client, relay: Relay) -> None:
    texts = await asyncio.gather(*(client.machines.ask(ALPHA, f"echo: n{i} x{i}").collect()
                                   for i in range(100)))
    assert texts == [f"n{i} x{i}" for i in range(100)]
    assert relay.control("/streams")["completed"] >= 100
