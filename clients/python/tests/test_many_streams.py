"""Many concurrent streams through one client (docs/stdio.md "Streams"): 2,000 asks
open at once on the local relay, four times the old hard limit of 512, all through
one core. Every stream gets every frame, in order, and none is refused; the core
serves them without a thread per stream."""
from __future__ import annotations

import asyncio

import cmdop

from conftest import Relay

MACHINE = "20000000-0000-4000-8000-000000000001"  # seed `alpha`, online
STREAMS = 2000
WORDS = [f"w{i}" for i in range(10)]


def _threads(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    raise AssertionError("no Threads in /proc/<pid>/status")


async def test_two_thousand_concurrent_asks_get_every_frame(relay: Relay) -> None:
    # paced so that every stream is still open when the last one starts
    relay.control("/ask", {"delay_ms": 300, "heartbeat_ms": 0, "streams": STREAMS})
    prompt = "echo: " + " ".join(WORDS)
    async with relay.client() as c:
        await c.machines.info(MACHINE)  # the core is running
        core_pid = c._conn.proc.proc.pid  # type: ignore[union-attr]
        started = 0
        all_started = asyncio.Event()

        async def one() -> list[str]:
            nonlocal started
            deltas: list[str] = []
            stream = c.machines.ask(MACHINE, prompt)
            async for fr in stream:
                if not deltas:
                    started += 1
                    if started == STREAMS:
                        all_started.set()
                if isinstance(fr, cmdop.DoneFrame):
                    assert fr.success and fr.text.split() == WORDS
                    return deltas
                assert isinstance(fr, cmdop.EventFrame) and isinstance(fr.payload, dict)
                deltas.append(str(fr.payload["delta"]).strip())
            raise AssertionError("the stream ended without done")

        tasks = [asyncio.create_task(one()) for _ in range(STREAMS)]
        await asyncio.wait_for(all_started.wait(), 120)
        # every stream has a frame and none has ended yet: all open at once
        threads_with_all_open = _threads(core_pid)
        results = await asyncio.wait_for(asyncio.gather(*tasks), 300)

    assert all(r == WORDS for r in results)
    assert len(results) == STREAMS
    streams = relay.control("/streams")
    assert streams["opened"] >= STREAMS and streams["cancelled"] == 0
    # the reader, the loop, the unary workers and one stream dispatcher: no
    # thread per stream (the old core had 2,000 more)
    assert threads_with_all_open < 64, threads_with_all_open


async def test_the_stream_limit_is_a_client_option(relay: Relay) -> None:
    # max_streams=3: a fourth stream while three are open is refused, and
    # the three go on to the end; the limit counts open streams only
    relay.control("/ask", {"delay_ms": 500, "heartbeat_ms": 0, "streams": 8})
    async with relay.client(max_streams=3) as c:
        # the streams stay referenced: a dropped AskStream cancels its stream
        streams = [c.machines.ask(MACHINE, "echo: a b c d e") for _ in range(3)]
        its = [aiter(s) for s in streams]
        firsts = await asyncio.gather(*(anext(i) for i in its))  # opened together
        assert all(isinstance(f, cmdop.EventFrame) for f in firsts)
        fourth = c.machines.ask(MACHINE, "echo: d")
        try:
            await anext(aiter(fourth))
            raise AssertionError("a fourth stream was admitted")
        except cmdop.CmdopError as e:  # a stream's error (AgentStreamError), code unavailable
            assert e.code == "unavailable", e
            assert "3 streams are open already" in str(e) and "CMDOP_MAX_STREAMS" in str(e)
        for i in its:
            rest = [f async for f in i]
            assert isinstance(rest[-1], cmdop.DoneFrame) and rest[-1].text.split() == list("abcde")
        again = [f async for f in c.machines.ask(MACHINE, "echo: e")]
        assert isinstance(again[-1], cmdop.DoneFrame) and again[-1].text == "e"
