"""Bounded stream memory (docs/reliability.md "Bounded memory"): a server that
writes SSE frames far faster than the caller reads them (tests/net/sseflood.py;
the local relay caps its streams) pushes back through every layer — the core's
stream queue pauses the HTTP transfer, its stdio pump blocks on the pipe, the
client's reader stops reading — so neither process grows, and every frame
arrives once, in order.

The default run streams 100,000 padded frames; CMDOP_TEST_LONG=1 streams the
1,000,000 frames of the reliability guarantee (about a minute)."""
from __future__ import annotations

import asyncio
import os
import sys

import cmdop

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "net"))
import sseflood  # noqa: E402

LONG = os.environ.get("CMDOP_TEST_LONG") == "1"
FRAMES, PAD = (1_000_000, 0) if LONG else (100_000, 1000)
STALL_S = 4.0
MIB = 1024 * 1024


def _status_kib(pid: int | str, key: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {key} in /proc/{pid}/status")


async def test_a_slow_reader_of_a_fast_stream_keeps_both_processes_small() -> None:
    flood = sseflood.Flood(FRAMES, PAD)
    # this process's peak RSS from here on (Linux: 5 resets VmHWM)
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")
    py_base = _status_kib("self", "VmRSS")
    try:
        async with cmdop.Client(token="t", api_key="k", base_url=f"http://127.0.0.1:{flood.port}",
                                api_base_url=f"http://127.0.0.1:{flood.port}") as c:
            n, sent_in_stall, core_pid = 0, 0, 0
            async for fr in c.machines.ask("m-flood", "go"):
                if isinstance(fr, cmdop.DoneFrame):
                    assert fr.text == "flood"
                    break
                assert isinstance(fr, cmdop.EventFrame)
                n += 1
                assert isinstance(fr.payload, dict) and fr.payload["n"] == n  # in order, none lost
                if n == 1:
                    # the slow reader: nothing read for a while, the server writes at will
                    core_pid = c._conn.proc.proc.pid  # type: ignore[union-attr]
                    start = flood.sent
                    await asyncio.sleep(STALL_S)
                    sent_in_stall = flood.sent - start
            core_peak = _status_kib(core_pid, "VmHWM")
            with open(f"/proc/{core_pid}/maps", encoding="ascii", errors="replace") as m:
                # an ASan core keeps freed memory in quarantine: no RSS bound there
                sanitized = "libasan" in m.read()
        assert n == FRAMES
        assert flood.requests == 1  # no resume: nothing dropped on the way
        # only buffers (sockets, the pipe, two bounded queues) filled while nobody read
        assert sent_in_stall < FRAMES // 4, sent_in_stall
        assert sanitized or core_peak * 1024 < 64 * MIB, f"core peak RSS {core_peak} KiB"
        py_growth = _status_kib("self", "VmHWM") - py_base
        assert py_growth * 1024 < 64 * MIB, f"client grew {py_growth} KiB"
    finally:
        flood.close()
