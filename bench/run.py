"""The benchmark driver: one run, every contender, the same servers.

    python3 bench/run.py --core build/cmdop-core --bin build/bench/bench ... [--smoke]

Starts one local relay (``cmdop-core relay --port 0``) and one replay server
(bench/c/replay.c serving SSE bytes recorded from that relay at the start of
the run), then for every measure runs the contenders ALTERNATELY, round after
round (A B C, B C A, ...), each run a fresh worker process
(bench/py/worker.py, bench/node/worker.mjs, the C workers) that reports its
timed part as one JSON line. Reported: the median over rounds, the ratio of
ours to each other contender, and CPU per op (client + core). Writes the
Markdown table to --out and every raw result to --json.

--smoke: tiny sizes and one round; fails (exit 1) when any contender did not
complete every op or frame. It is what ``make bench-smoke`` (and so ``make
check``) runs: it proves every benchmark still runs, it times nothing.
Only the standard library is used here; contenders bring their own.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ALPHA = "20000000-0000-4000-8000-000000000001"


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# ---- servers -----------------------------------------------------------------


class Server:
    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            raise SystemExit(f"bench: {argv[0]} did not start")
        self.info: dict[str, Any] = json.loads(line)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=600) as r:
        return bytes(r.read())


def words(n: int) -> str:
    return "echo: " + " ".join(f"w{i}" for i in range(n))


def record_sse(relay: dict[str, Any], n_words: int, path: str) -> int:
    """Records one unpaced ask from the relay; returns its frame count."""
    http("POST", relay["control_url"] + "/ask", {"delay_ms": 0, "heartbeat_ms": 0})
    raw = http("POST", f"{relay['relay_url']}/api/admin/machines/{ALPHA}/ask",
               {"prompt": words(n_words), "session_id": "bench-record"},
               {"Authorization": f"Bearer {relay['token']}", "Accept": "text/event-stream"})
    with open(path, "wb") as f:
        f.write(raw)
    return raw.count(b"\ndata: ")


def record_info(relay: dict[str, Any], path: str) -> None:
    """Records the relay's machines.info body: the replay server's answer to
    the contenders' warm-up call."""
    raw = http("GET", f"{relay['relay_url']}/api/admin/machines/{ALPHA}/info",
               headers={"Authorization": f"Bearer {relay['token']}"})
    with open(path, "wb") as f:
        f.write(raw)


# ---- contenders ----------------------------------------------------------------


@dataclass
class Contender:
    name: str              # table label
    argv: Callable[[str, dict[str, Any]], list[str]]
    env: dict[str, str] = field(default_factory=dict)
    ours: bool = False


def env_for(base: dict[str, Any], core: str | None) -> dict[str, str]:
    e = {"CMDOP_TOKEN": base["token"], "CMDOP_BASE_URL": base["relay_url"],
         "CMDOP_API_KEY": base["api_key"], "CMDOP_API_BASE_URL": base["platform_url"]}
    if core:
        e["CMDOP_CORE_BINARY"] = core
    return e


def run_worker(c: Contender, measure: str, p: dict[str, Any], base_env: dict[str, str],
               timeout: float) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMDOP_")}
    env.update(base_env)
    env.update(c.env)
    argv = c.argv(measure, p)
    t0 = time.perf_counter()
    try:
        r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.returncode != 0 or not lines:
        return {"error": f"exit {r.returncode}: {r.stderr.strip()[-300:]}"}
    out: dict[str, Any] = json.loads(lines[-1])
    out["process_wall_s"] = wall
    if r.stderr.strip():
        out["stderr"] = r.stderr.strip()[-300:]
    return out


# ---- measures --------------------------------------------------------------------


@dataclass
class Measure:
    key: str
    title: str
    worker_measure: str
    params: dict[str, Any]
    contenders: list[Contender]
    server: str                          # "relay" or "replay"
    rounds: int
    unit: str                            # "op" or "frame"
    expect_frames: int = 0               # per op, 0 = no check
    arm: dict[str, Any] | None = None    # /_control/ask before each run
    timeout: float = 600.0
    results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def summarize(m: Measure) -> dict[str, dict[str, Any]]:
    s: dict[str, dict[str, Any]] = {}
    for name, runs in m.results.items():
        ok = [r for r in runs if "error" not in r]
        if not ok:
            s[name] = {"error": runs[-1]["error"] if runs else "not run"}
            continue
        key = "frames" if m.unit == "frame" else "ops"

        def count(r: dict[str, Any]) -> float:
            return float(r[key])
        s[name] = {
            "wall_s": statistics.median(r["wall_s"] for r in ok),
            "rate": statistics.median(count(r) / r["wall_s"] for r in ok if r["wall_s"] > 0),
            "cpu_us": statistics.median((r["cpu_client_s"] + r["cpu_core_s"]) * 1e6 / max(count(r), 1)
                                        for r in ok),
            "frames": statistics.median(r.get("frames", 0) for r in ok),
            "failed": max(r.get("failed", 0) for r in ok),
            "rss_core_mb": max(r.get("rss_core_kb", 0) for r in ok) / 1024,
            "rss_client_mb": max(r.get("rss_client_kb", 0) for r in ok) / 1024,
            "runs": len(ok),
        }
    return s


def check_smoke(m: Measure) -> list[str]:
    bad = []
    for name, runs in m.results.items():
        for r in runs:
            if "error" in r:
                bad.append(f"{m.key} {name}: {r['error']}")
                continue
            n = m.params.get("n", m.params.get("k", 1))
            if r["ops"] != n:
                bad.append(f"{m.key} {name}: {r['ops']} ops, expected {n}")
            if m.expect_frames and r["frames"] != m.expect_frames * n:
                bad.append(f"{m.key} {name}: {r['frames']} frames, expected {m.expect_frames * n}")
    return bad


# ---- cold start and size ------------------------------------------------------------


def cold_start(contenders: list[tuple[str, list[str], dict[str, str]]], env: dict[str, str],
               rounds: int) -> dict[str, dict[str, float]]:
    times: dict[str, list[float]] = {n: [] for n, _, _ in contenders}
    for i in range(rounds):
        order = contenders[i % len(contenders):] + contenders[:i % len(contenders)]
        for name, argv, extra in order:
            e = {k: v for k, v in os.environ.items() if not k.startswith("CMDOP_")}
            e.update(env)
            e.update(extra)
            t0 = time.perf_counter()
            r = subprocess.run(argv, env=e, capture_output=True, text=True, timeout=120)
            if r.returncode == 0:
                times[name].append(time.perf_counter() - t0)
            else:
                log(f"cold {name}: exit {r.returncode}: {r.stderr.strip()[-200:]}")
    return {n: {"median_ms": statistics.median(t) * 1e3 if t else float("nan"), "runs": len(t)}
            for n, t in times.items()}


def du(paths: list[str]) -> int:
    total = 0
    for p in paths:
        if os.path.isfile(p):
            total += os.path.getsize(p)
        for d, _, files in os.walk(p):
            for f in files:
                fp = os.path.join(d, f)
                if not os.path.islink(fp) and "__pycache__" not in fp:
                    total += os.path.getsize(fp)
    return total


def shared_libs(binary: str) -> list[str]:
    """The non-glibc shared libraries a binary loads (what a wheel must bundle)."""
    try:
        out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    except OSError:
        return []
    libs = []
    for line in out.splitlines():
        parts = line.split("=>")
        if len(parts) == 2 and parts[1].strip().startswith("/"):
            path = parts[1].split()[0]
            base = os.path.basename(path)
            if not base.startswith(("libc.so", "libm.so", "libpthread", "libdl", "librt", "ld-linux")):
                libs.append(os.path.realpath(path))
    return libs


# ---- report -----------------------------------------------------------------------------


def fmt_rate(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"


def table(measures: list[Measure], cold: dict[str, dict[str, float]], sizes: list[tuple[str, int, str]]) -> str:
    out = []
    for m in measures:
        s = summarize(m)
        # Each contender is compared with ours in its own language.
        ours_of = {c.name.split()[0]: c.name for c in m.contenders if c.ours}
        out.append(f"\n### {m.title}\n")
        per = "frame" if m.unit == "frame" else "op"
        if m.worker_measure == "streams":
            out.append("| contender | wall s | frames delivered | refused/failed streams | CPU µs/frame | core peak RSS MiB | client peak RSS MiB | wall ours/x |")
            out.append("|---|---|---|---|---|---|---|---|")
        else:
            out.append(f"| contender | {per}s/s | CPU µs/{per} (client+core) | time ours/x | CPU ours/x |")
            out.append("|---|---|---|---|---|")
        for c in m.contenders:
            r = s.get(c.name, {"error": "not run"})
            if "error" in r:
                err = " ".join(r["error"].replace("|", "/").split())
                # No machine paths in a committed table.
                err = err.replace(ROOT, ".").replace(os.path.expanduser("~"), "~")[-160:]
                out.append(f"| {c.name} | failed: {err} |" + " |" * (7 if m.worker_measure == "streams" else 4))
                continue
            o = s.get(ours_of.get(c.name.split()[0], ""), {})
            if m.worker_measure == "streams":
                total = m.params["n"] * m.expect_frames
                # A wall ratio means something only when both delivered every frame.
                complete = o.get("frames") == total and r["frames"] == total
                ratio = (f"{o['wall_s'] / r['wall_s']:.2f}" if complete else "— (not every frame)") \
                    if "wall_s" in o and not c.ours else "—"
                out.append(f"| {c.name} | {r['wall_s']:.2f} | {r['frames']:,.0f} / {total:,} | {r['failed']} | "
                           f"{r['cpu_us']:.0f} | {r['rss_core_mb']:.1f} | {r['rss_client_mb']:.1f} | {ratio} |")
            else:
                tr = f"{r['rate'] / o['rate']:.2f}" if "rate" in o and not c.ours else "—"
                cr = f"{o['cpu_us'] / r['cpu_us']:.2f}" if "cpu_us" in o and r["cpu_us"] > 0 and not c.ours else "—"
                out.append(f"| {c.name} | {fmt_rate(r['rate'])} | {r['cpu_us']:.0f} | {tr} | {cr} |")
    targets = target_rows(measures, cold)
    if targets:
        out.append("\n### The lead targets, as measured in this run\n")
        out.append("| target | measured | met |")
        out.append("|---|---|---|")
        out.extend(targets)
    notes = relay_notes(measures)
    if notes:
        out.append("\n### The local relay in this run\n")
        out.extend(f"- {n}" for n in notes)
    if cold:
        out.append("\n### Cold start (process start to exit: import, client, core spawn, one machines.info)\n")
        out.append("| contender | median ms | runs |")
        out.append("|---|---|---|")
        for n, v in cold.items():
            out.append(f"| {n} | {v['median_ms']:.0f} | {v['runs']} |")
    if sizes:
        out.append("\n### Installed size, linux-x64\n")
        out.append("| what | MB | counted |")
        out.append("|---|---|---|")
        for n, b, what in sizes:
            out.append(f"| {n} | {b / 1e6:.1f} | {what} |")
    return "\n".join(out) + "\n"


def target_rows(measures: list[Measure], cold: dict[str, dict[str, float]]) -> list[str]:
    """The issue's lead targets, each as measured in this run: met or not."""
    by = {m.key: (m, summarize(m)) for m in measures}
    rows: list[str] = []

    def row(what: str, value: str, ok: bool | None) -> None:
        rows.append(f"| {what} | {value} | {'yes' if ok else ('no' if ok is False else 'not measured')} |")

    def time_ratio(key: str, a: str, b: str) -> float | None:
        if key not in by:
            return None
        s = by[key][1]
        if "rate" in s.get(a, {}) and "rate" in s.get(b, {}):
            return float(s[b]["rate"] / s[a]["rate"])
        return None

    def cpu_ratio(key: str, a: str, b: str) -> float | None:
        if key not in by:
            return None
        s = by[key][1]
        if s.get(a, {}).get("cpu_us") and s.get(b, {}).get("cpu_us"):
            return float(s[a]["cpu_us"] / s[b]["cpu_us"])
        return None

    def ratio_row(what: str, r: float | None, limit: float) -> None:
        row(what, f"{r:.2f}" if r is not None else "—", None if r is None else r <= limit)

    off, py, nd = "python official 1.1.1", "python ours", "node ours"
    ratio_row("Python unary sequential, time ours/official ≤ 0.7", time_ratio("unary1", py, off), 0.7)
    ratio_row("Python unary 50 concurrent, time ours/official ≤ 0.5 (2× throughput)",
              time_ratio("unary50", py, off), 0.5)
    ratio_row("C unary, time ours/libcurl + jansson ≤ 1.15",
              time_ratio("c_unary", "C ours (cmdop_machines_info)", "C libcurl + jansson"), 1.15)
    ratio_row("Node unary sequential, time ours/fetch ≤ 1.0",
              time_ratio("unary1", nd, "node fetch (+eventsource-parser)"), 1.0)
    ratio_row("Python stream at wire speed, time per frame ours/official ≤ 0.67 (1.5× frames/s)",
              time_ratio("wire", py, off), 1 / 1.5)
    ratio_row("Python stream at wire speed, CPU per frame ours/official ≤ 0.7", cpu_ratio("wire", py, off), 0.7)
    for key, limit_mb in (("streams1k", 64.0), ("streams10k", 32 + 24 * 10000 / 1024)):
        if key not in by:
            continue
        m, s = by[key]
        total = m.params["n"] * m.expect_frames
        for name in (py, nd):
            r = s.get(name)
            if not r or "error" in r:
                row(f"{m.params['n']:,} streams, {name}", "failed to run", False)
                continue
            every = r["frames"] == total and r["failed"] == 0
            row(f"{m.params['n']:,} streams, {name}: every frame delivered, none refused",
                f"{r['frames']:,.0f} / {total:,}, {r['failed']} refused", every)
            # Memory counts only when every stream was held.
            row(f"{m.params['n']:,} streams, {name}: core peak RSS ≤ {limit_mb:.0f} MiB",
                f"{r['rss_core_mb']:.1f} MiB" + ("" if every else " (not every stream held)"),
                every and r["rss_core_mb"] <= limit_mb)
            if key == "streams10k":
                # One paced stream's wall as measured (streams1), else nominal:
                # a 100 ms delay before each delta.
                single = by.get("streams1", (None, {}))[1].get(name, {})
                one = single.get("wall_s") or (m.expect_frames - 1) * 0.1
                row(f"{m.params['n']:,} streams, {name}: wall ≤ 1.3× one stream's ({one:.1f} s)",
                    f"{r['wall_s']:.1f} s", every and r["wall_s"] <= 1.3 * one)
    a = cold.get("python ours", {}).get("median_ms", math.nan)
    b = cold.get(off, {}).get("median_ms", math.nan)
    ok = not math.isnan(a) and not math.isnan(b) and b > 0
    ratio_row("Python cold start, ours/official ≤ 0.8", a / b if ok else None, 0.8)
    return rows


def relay_notes(measures: list[Measure]) -> list[str]:
    """What the run shows about the relay itself (docs/relay.md): the rate the
    bare C client reads one unpaced stream at, and the concurrent streams it
    held for the contenders that did not refuse any."""
    notes = []
    for m in measures:
        s = summarize(m)
        if m.key == "relay_stream":
            floor = s.get("C libcurl + SSE split + jansson", {})
            if "rate" in floor:
                notes.append(f"one unpaced stream, read by the bare C client: {floor['rate']:,.0f} frames/s")
        if m.worker_measure == "streams" and m.params["n"] > 1:
            total = m.params["n"] * m.expect_frames
            full = [n for n, r in s.items() if r.get("frames") == total]
            if full:
                notes.append(f"{m.params['n']:,} concurrent paced streams: every frame delivered to "
                             + ", ".join(full))
    return notes


def machine_line() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()
    return (f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} CPUs ({cpu}), "
            f"load average at the start {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}")


# ---- main -------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--core", required=True, help="our cmdop-core: the relay, and --stdio unless --client-core")
    ap.add_argument("--client-core", help="the cmdop-core our Python and Node clients spawn (default --core); "
                    "make bench passes the static core the wheel ships for this host")
    ap.add_argument("--bin", required=True, help="dir of the built C workers and replay server")
    ap.add_argument("--py-ours", required=True, help="python with our client's deps")
    ap.add_argument("--py-path", required=True, help="PYTHONPATH of our client")
    ap.add_argument("--py-official", help="python of the official 1.1.1 venv (tests/compat/fetch.sh)")
    ap.add_argument("--py-bench", help="python of the bench venv (httpx, openai)")
    ap.add_argument("--node-sdk", help="our Node client's ESM entry")
    ap.add_argument("--node-modules", help="bench/node's node_modules")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated measure keys")
    ap.add_argument("--who", default="", help="only the Python/Node contenders whose name contains one "
                    "of these comma-separated words (e.g. ours); for runs outside bench/RESULTS.md")
    ap.add_argument("--out", required=True)
    ap.add_argument("--json")
    a = ap.parse_args()
    raise_nofile()
    core = os.path.abspath(a.core)
    smoke = a.smoke
    started = datetime.datetime.now(datetime.timezone.utc)
    machine = machine_line()
    relay = Server([core, "relay", "--port", "0"])
    tmp = tempfile.mkdtemp(prefix="cmdop-bench-")
    try:
        wire_words = 200 if smoke else 9800
        rec = os.path.join(tmp, "ask.sse")
        rec_frames = record_sse(relay.info, wire_words, rec)
        record_info(relay.info, rec + ".info")
        http("POST", relay.info["control_url"] + "/reset", {"state": True})
        replay = Server([os.path.join(a.bin, "replay"), rec, rec + ".info"])
        replay_env = dict(relay.info, relay_url=replay.info["url"])
        try:
            client_core = os.path.abspath(a.client_core) if a.client_core else core
            measures, cold, sizes = run_all(a, client_core, relay, replay_env, rec_frames, wire_words, smoke)
        finally:
            replay.stop()
    finally:
        relay.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    if smoke:
        bad = [b for m in measures for b in check_smoke(m)]
        with open(a.out, "w") as f:
            f.write(table(measures, cold, sizes))
        for b in bad:
            log(f"SMOKE FAILED: {b}")
        log(f"smoke: {len(measures)} measures, {'ok' if not bad else f'{len(bad)} failures'} ({a.out})")
        return 1 if bad else 0
    cmd = "make bench" + (f" BENCH_ONLY={a.only}" if a.only else "")
    with open(a.out, "w") as f:
        f.write("# Benchmark results\n\n")
        f.write(f"- Date: {started:%Y-%m-%d %H:%M} UTC (one run, {(datetime.datetime.now(datetime.timezone.utc) - started).seconds} s)\n")
        f.write(f"- Machine: {machine}\n")
        f.write(f"- Command: `{cmd}` (bench/run.py; docs/performance.md says how to reproduce each figure)\n")
        f.write(f"- Our clients' core: {core_kind(client_core, core)}\n")
        f.write("- Method: every contender runs in turn, round after round, against the same relay and replay "
                "server; each figure is the median over rounds. Every ratio is ours/x in the same language, "
                "as time or CPU per op (or wall): below 1, ours is better. "
                "CPU is user+system of the client process plus its core child over the timed part; "
                "a peak RSS of 0 means the contender has no core process.\n")
        f.write(table(measures, cold, sizes))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"machine": machine, "date": started.isoformat(),
                       "measures": {m.key: {"params": m.params, "results": m.results} for m in measures},
                       "cold": cold, "sizes": sizes}, f, indent=1)
    log(f"wrote {a.out}")
    return 0


def core_kind(client_core: str, relay_core: str) -> str:
    """What the Python and Node clients spawned, for the results' header."""
    if client_core == relay_core:
        return "the dynamic build (`$(BUILD)/cmdop-core`), as the relay"
    return ("the static core the wheel ships for this host (packaging/static/core.sh: musl, mimalloc); "
            "the relay is the dynamic build")


def run_all(a: argparse.Namespace, core: str, relay: Server, replay_env: dict[str, Any], rec_frames: int,
            wire_words: int, smoke: bool) -> tuple[list[Measure], dict[str, dict[str, float]], list[tuple[str, int, str]]]:
    pyw = os.path.join(HERE, "py", "worker.py")
    nodew = os.path.join(HERE, "node", "worker.mjs")

    def py(python: str) -> Callable[[str, dict[str, Any]], list[str]]:
        return lambda meas, p: [python, pyw, name_of[python], meas, json.dumps(p)]

    name_of: dict[str, str] = {}
    pyc: list[Contender] = []
    name_of[a.py_ours] = "ours"
    pyc.append(Contender("python ours", py(a.py_ours), {"PYTHONPATH": a.py_path, "CMDOP_CORE_BINARY": core}, ours=True))
    if a.py_official:
        name_of[a.py_official] = "official"
        pyc.append(Contender("python official 1.1.1", py(a.py_official), {}))
    if a.py_bench:
        name_of[a.py_bench] = "httpx"
        pyc.append(Contender("python httpx (+openai SSEDecoder)", py(a.py_bench), {}))
    nodec: list[Contender] = []
    if a.node_sdk and a.node_modules:
        nenv = {"BENCH_NODE_SDK": a.node_sdk, "BENCH_NODE_MODULES": a.node_modules, "CMDOP_CORE_BINARY": core}
        nodec.append(Contender("node ours", lambda meas, p: ["node", nodew, "ours", meas, json.dumps(p)], nenv, ours=True))
        nodec.append(Contender("node fetch (+eventsource-parser)", lambda meas, p: ["node", nodew, "fetch", meas, json.dumps(p)], nenv))
    if a.who:
        # only some contenders (e.g. --who ours): a quicker look at one side
        who = [w for w in a.who.split(",") if w]
        pyc = [c for c in pyc if any(w in c.name for w in who)]
        nodec = [c for c in nodec if any(w in c.name for w in who)]
    b = a.bin
    cc = [Contender("C ours (cmdop_machines_info)", lambda meas, p: [os.path.join(b, "unary_cmdop"), str(p["n"]), ALPHA], ours=True),
          Contender("C libcurl + jansson", lambda meas, p: [os.path.join(b, "unary_curl"), str(p["n"]), relay.info["relay_url"],
                                                               relay.info["token"], ALPHA])]
    cstream = [Contender("C ours (cmdop_ask_stream_next)", lambda meas, p: [os.path.join(b, "stream_cmdop"), str(p["k"]), ALPHA, p["prompt"]], ours=True),
               Contender("C libcurl + SSE split + jansson", lambda meas, p: [os.path.join(b, "stream_curl"), str(p["k"]), p["base"],
                                                                           relay.info["token"], ALPHA, p["prompt"]])]

    n1, n50, rounds = (20, 100, 1) if smoke else (2000, 5000, 5)
    k_wire, k_relay = (2, 2) if smoke else (5, 5)
    relay_words = 200 if smoke else 9800
    s1k, s10k = (20, 50) if smoke else (1000, 10000)
    paced_words = 9 if smoke else 49   # 49 events + done = 50 frames
    measures = [
        Measure("unary1", "Unary machines.info, sequential (relay)", "unary", {"n": n1, "conc": 1, "machine": ALPHA},
                pyc + nodec, "relay", rounds, "op"),
        Measure("unary50", "Unary machines.info, 50 concurrent (relay)", "unary", {"n": n50, "conc": 50, "machine": ALPHA},
                pyc + nodec, "relay", rounds, "op"),
        Measure("c_unary", "C unary machines.info, sequential (relay)", "unary", {"n": n1 * 2, "machine": ALPHA},
                cc, "relay", rounds, "op"),
        Measure("wire", f"One ask stream at wire speed (replay server, {rec_frames} recorded frames per ask)", "stream",
                {"k": k_wire, "machine": ALPHA, "prompt": "replayed", "base": replay_env["relay_url"]}, pyc + nodec + cstream, "replay", rounds, "frame",
                expect_frames=rec_frames),
        Measure("relay_stream", f"One ask stream on the relay, pacing off ({relay_words + 1} frames per ask)", "stream",
                {"k": k_relay, "machine": ALPHA, "prompt": words(relay_words), "base": relay.info["relay_url"]}, pyc + nodec + cstream, "relay", rounds,
                "frame", expect_frames=relay_words + 1, arm={"delay_ms": 0, "heartbeat_ms": 0, "streams": k_relay}),
        Measure("streams1", "One ask of 50 frames at 100 ms pacing (relay): the wall the concurrent runs compare with",
                "streams", {"n": 1, "machine": ALPHA, "prompt": words(paced_words)}, pyc + nodec, "relay", 1, "frame",
                expect_frames=paced_words + 1, arm={"delay_ms": 100, "streams": 1}, timeout=120),
        Measure("streams1k", f"{s1k:,} concurrent asks of 50 frames at 100 ms pacing (relay)", "streams",
                {"n": s1k, "machine": ALPHA, "prompt": words(paced_words)}, pyc + nodec, "relay", 1, "frame",
                expect_frames=paced_words + 1, arm={"delay_ms": 100, "streams": s1k}, timeout=300),
        Measure("streams10k", f"{s10k:,} concurrent asks of 50 frames at 100 ms pacing (relay)", "streams",
                {"n": s10k, "machine": ALPHA, "prompt": words(paced_words)}, pyc + nodec, "relay", 1, "frame",
                expect_frames=paced_words + 1, arm={"delay_ms": 100, "streams": s10k}, timeout=600),
    ]
    only: set[str] = set(filter(None, a.only.split(",")))
    if only:
        measures = [m for m in measures if m.key in only]
    relay_env = env_for(relay.info, None)
    wire_env = env_for(replay_env, None)
    for m in measures:
        log(f"{m.key}: {m.title}")
        env = relay_env if m.server == "relay" else wire_env
        for i in range(m.rounds):
            cs = m.contenders[i % len(m.contenders):] + m.contenders[:i % len(m.contenders)]
            for c in cs:
                http("POST", relay.info["control_url"] + "/reset", {})
                if m.arm and m.server == "relay":
                    http("POST", relay.info["control_url"] + "/ask", m.arm)
                r = run_worker(c, m.worker_measure, m.params, env, m.timeout)
                m.results.setdefault(c.name, []).append(r)
                log(f"  {c.name}: " + (r["error"] if "error" in r else
                                        f"{r['ops']} ops {r.get('frames', 0)} frames {r['wall_s']:.3f} s"))
    cold: dict[str, dict[str, float]] = {}
    sizes: list[tuple[str, int, str]] = []
    if not only or "cold" in only:
        log("cold start")
        cpy = [("python ours", [a.py_ours, pyw, "ours", "cold", json.dumps({"machine": ALPHA})],
                {"PYTHONPATH": a.py_path, "CMDOP_CORE_BINARY": core}),
               ("python ours: import cmdop only", [a.py_ours, "-c", "import cmdop"], {"PYTHONPATH": a.py_path})]
        if a.py_official:
            cpy += [("python official 1.1.1", [a.py_official, pyw, "official", "cold", json.dumps({"machine": ALPHA})], {}),
                    ("python official: import cmdop only", [a.py_official, "-c", "import cmdop"], {})]
        if a.node_sdk:
            cpy.append(("node ours", ["node", nodew, "ours", "cold", json.dumps({"machine": ALPHA})],
                        {"BENCH_NODE_SDK": a.node_sdk, "BENCH_NODE_MODULES": a.node_modules or "", "CMDOP_CORE_BINARY": core}))
        cpy.append(("C ours (one call)", [os.path.join(b, "unary_cmdop"), "0", ALPHA], {}))
        # 30 rounds: medians of 10 moved the ours/official ratio by ±0.12
        # between runs on this machine (each start is ~0.1 s, both sides vary)
        cold = cold_start(cpy, relay_env, 2 if smoke else 30)
        sizes = installed_sizes(a, os.path.abspath(a.core))
    return measures, cold, sizes


def installed_sizes(a: argparse.Namespace, core: str) -> list[tuple[str, int, str]]:
    out: list[tuple[str, int, str]] = []
    pkg = os.path.join(a.py_path, "cmdop")
    libs = shared_libs(core)
    core_b = du([core])
    libs_b = du(libs)
    proto = subprocess.run([a.py_ours, "-c", "import google.protobuf, os; print(os.path.dirname(google.protobuf.__file__))"],
                           capture_output=True, text=True).stdout.strip()
    out.append(("python ours: package + core + the core's shared libraries + protobuf",
                du([pkg]) + core_b + libs_b + (du([proto]) if proto else 0),
                f"package {du([pkg]) / 1e6:.1f} MB, cmdop-core {core_b / 1e6:.1f} MB (this build, -O2 -g, not stripped), "
                f"{len(libs)} shared libraries {libs_b / 1e6:.1f} MB, protobuf {du([proto]) / 1e6 if proto else 0:.1f} MB"))
    stripped = os.path.join(tempfile.mkdtemp(prefix="cmdop-bench-size-"), "core")
    if subprocess.run(["strip", "-o", stripped, core], capture_output=True).returncode == 0:
        out.append(("python ours, core stripped: package + stripped core + its shared libraries + protobuf",
                    du([pkg]) + du([stripped]) + libs_b + (du([proto]) if proto else 0),
                    f"cmdop-core stripped {du([stripped]) / 1e6:.1f} MB"))
        shutil.rmtree(os.path.dirname(stripped), ignore_errors=True)
    static = os.path.join(ROOT, "build", "cross", "linux-x64", "cmdop-core")
    if os.path.isfile(static):
        out.append(("python ours with the static linux-x64 core (packaging/): package + core + protobuf",
                    du([pkg, static]) + (du([proto]) if proto else 0),
                    f"static cmdop-core {du([static]) / 1e6:.1f} MB (no shared libraries needed)"))
    if a.node_sdk:
        pkg_root = os.path.dirname(os.path.dirname(os.path.dirname(a.node_sdk)))   # dist/esm/index.js
        parts = [os.path.join(pkg_root, "dist"), os.path.join(pkg_root, "node_modules", "@bufbuild", "protobuf")]
        out.append(("node ours: package (dist + bundled @bufbuild/protobuf) + core + its shared libraries",
                    du(parts) + core_b + libs_b,
                    f"dist {du(parts[:1]) / 1e6:.1f} MB, @bufbuild/protobuf {du(parts[1:]) / 1e6:.1f} MB, "
                    f"cmdop-core and libraries as above"))
    if a.py_official:
        r = subprocess.run([a.py_official, "-c", "import cmdop, google.protobuf, os; print(os.path.dirname(cmdop.__file__)); "
                            "print(os.path.dirname(google.protobuf.__file__))"], capture_output=True, text=True)
        paths = r.stdout.split()
        if len(paths) == 2:
            out.append(("python official 1.1.1: package (with its Go core) + protobuf", du(paths),
                        f"package {du(paths[:1]) / 1e6:.1f} MB, protobuf {du(paths[1:]) / 1e6:.1f} MB"))
    return out


if __name__ == "__main__":
    sys.exit(main())
