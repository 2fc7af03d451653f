"""One Python contender, one measure, one JSON line on stdout.

    python worker.py CONTENDER MEASURE '{"n": ..., ...}'

CONTENDER: ``ours`` (this repo's client; CMDOP_CORE_BINARY names our core),
``official`` (cmdop 1.1.1 with its own Go core; run with the compat venv's
python), ``httpx`` (httpx.AsyncClient, plus openai's SSEDecoder for streams;
run with the bench venv's python). Configuration comes from the CMDOP_*
environment, as for any application. MEASURE:

  unary    {"n", "conc", "machine"}: n machines.info calls, conc at a time
  stream   {"k", "machine", "prompt"}: k asks in a row, every frame read
  streams  {"n", "machine", "prompt"}: n asks at once, every frame read
  cold     {"machine"}: import + client + one call (timed by the driver)

The line holds ops, frames, wall_s and the CPU seconds of this process and of
the core child over the timed part only (after a warm-up call), and the peak
RSS of both. The core is found as this process's child (/proc).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from typing import Any, AsyncIterator, Awaitable, Callable

TICK = os.sysconf("SC_CLK_TCK")


def children() -> list[int]:
    pids: list[int] = []
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/children") as f:
                pids += [int(p) for p in f.read().split()]
        except OSError:
            pass
    return pids


def core_cpu(pid: int | None) -> float:
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except OSError:
        return 0.0


def core_rss_kb(pid: int | None) -> int:
    if pid is None:
        return 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def self_cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


# ---- contenders: each gives info(machine) and frames(machine, prompt) -----


class Ours:
    def __init__(self) -> None:
        import cmdop
        self.c = cmdop.Client()

    async def info(self, machine: str) -> Any:
        return await self.c.machines.info(machine)

    async def frames(self, machine: str, prompt: str) -> int:
        n = 0
        async for _ in self.c.machines.ask(machine, prompt):
            n += 1
        return n

    async def close(self) -> None:
        await self.c.aclose()


class Official(Ours):
    pass  # the same 1.1 surface; the import resolves to the official wheel


class Httpx:
    def __init__(self) -> None:
        import httpx
        from openai._streaming import SSEDecoder
        self.decoder = SSEDecoder
        self.base = os.environ["CMDOP_BASE_URL"]
        self.c = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {os.environ['CMDOP_TOKEN']}"},
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=100),
            timeout=httpx.Timeout(600.0))

    async def info(self, machine: str) -> Any:
        r = await self.c.get(f"{self.base}/api/admin/machines/{machine}/info")
        r.raise_for_status()
        return r.json()

    async def frames(self, machine: str, prompt: str) -> int:
        n = 0
        async with self.c.stream("POST", f"{self.base}/api/admin/machines/{machine}/ask",
                                 json={"prompt": prompt, "session_id": os.urandom(16).hex()},
                                 headers={"Accept": "text/event-stream"}) as r:
            r.raise_for_status()
            async for ev in self.decoder().aiter_bytes(r.aiter_bytes()):
                json.loads(ev.data)
                n += 1
                if ev.event in ("done", "error"):
                    break
        return n

    async def close(self) -> None:
        await self.c.aclose()


CONTENDERS: dict[str, Callable[[], Any]] = {"ours": Ours, "official": Official, "httpx": Httpx}


async def bounded(n: int, conc: int, one: Callable[[], Awaitable[Any]]) -> list[Any]:
    sem = asyncio.Semaphore(conc)

    async def run() -> Any:
        async with sem:
            return await one()
    return await asyncio.gather(*(run() for _ in range(n)))


async def main(name: str, measure: str, p: dict[str, Any]) -> dict[str, Any]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    c = CONTENDERS[name]()
    machine = p["machine"]
    await c.info(machine)  # warm-up: the core is up, a connection is open
    if measure == "cold":
        await c.close()
        return {"ops": 1}
    kids = children()
    core = kids[0] if kids else None
    t0, c0, k0 = time.perf_counter(), self_cpu(), core_cpu(core)
    ops = frames = 0
    failed = 0
    if measure == "unary":
        await bounded(p["n"], p["conc"], lambda: c.info(machine))
        ops = p["n"]
    elif measure == "stream":
        for _ in range(p["k"]):
            frames += await c.frames(machine, p["prompt"])
        ops = p["k"]
    elif measure == "streams":
        async def one() -> int:
            try:
                return int(await c.frames(machine, p["prompt"]))
            except Exception as e:  # noqa: BLE001 - a refused stream is a result
                nonlocal failed
                failed += 1
                if failed == 1:
                    print(f"stream failed: {type(e).__name__}: {e}", file=sys.stderr)
                return 0
        frames = sum(await asyncio.gather(*(one() for _ in range(p["n"]))))
        ops = p["n"]
    wall = time.perf_counter() - t0
    out = {"ops": ops, "frames": frames, "failed": failed, "wall_s": wall,
           "cpu_client_s": self_cpu() - c0, "cpu_core_s": core_cpu(core) - k0,
           "rss_client_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           "rss_core_kb": core_rss_kb(core)}
    await c.close()
    return out


if __name__ == "__main__":
    res = asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
    print(json.dumps(res), flush=True)
