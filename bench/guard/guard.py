"""The instruction-count guard: hot paths under ``valgrind --tool=callgrind``
against committed baselines (bench/guard/baseline.json), so a regression
fails ``make check`` whatever the machine's load — instructions, not seconds.

    python3 bench/guard/guard.py --core CORE --bin BENCH_BIN --sse SSE_GUARD [--update]

Each figure is per operation: (count with N ops - count with 0 ops) / N, so
start-up and shutdown cancel out:

  sse_per_frame         the core's SSE decoder (cmdop__sse_feed only) over a
                        stream in the relay's wire form (bench/guard/sse_guard.c)
  c_unary_per_call      one cmdop_machines_info() of a C client against the
                        local relay: libcmdop + libcurl + jansson, every
                        thread of the client (bench/c/unary_cmdop.c)
  relay_unary_per_call  the local relay serving one machines.info
                        (the relay under callgrind, a bare libcurl client)

A figure above baseline * (1 + tolerance) fails; one below baseline *
(1 - tolerance) passes with a note to lower the baseline (--update writes
the measured figures). The counts depend on the compiler and the library
builds (Debian 12's libcurl, jansson, libmicrohttpd, glibc): regenerate the
baselines with --update when those change, and say so in the commit.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINE = os.path.join(HERE, "baseline.json")
ALPHA = "20000000-0000-4000-8000-000000000001"
# Single-threaded and deterministic: tight. Threaded (a loop thread, a
# polling thread) or timing-dependent (how often a poll wakes): looser.
TOLERANCE = {"sse_per_frame": 0.03, "c_unary_per_call": 0.10, "relay_unary_per_call": 0.10}
VALGRIND = ["valgrind", "--tool=callgrind", "--trace-children=no"]


def total(out: str) -> int:
    with open(out) as f:
        for line in f:
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
    raise SystemExit(f"guard: no totals in {out}")


def callgrind(argv: list[str], tmp: str, env: dict[str, str] | None = None,
              collect: str | None = None) -> int:
    out = os.path.join(tmp, "cg.out")
    only = [f"--toggle-collect={collect}", "--collect-atstart=no"] if collect else []
    r = subprocess.run(VALGRIND + only + [f"--callgrind-out-file={out}"] + argv, env=env,
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise SystemExit(f"guard: {argv[0]} failed ({r.returncode}): {r.stderr[-500:]}")
    return total(out)


class Relay:
    def __init__(self, argv: list[str]) -> None:
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline() if self.p.stdout else ""
        if not line:
            raise SystemExit("guard: the relay did not start")
        self.info = json.loads(line)

    def stop(self) -> None:
        self.p.terminate()
        self.p.wait(60)


def per_op(measure: Callable[[int], int], n: int) -> float:
    return (measure(n) - measure(0)) / n


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--core", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--sse", required=True)
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args()
    got: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="cmdop-guard-") as tmp:
        # Only inside the decoder: building the input is the harness's work.
        got["sse_per_frame"] = per_op(lambda n: callgrind([a.sse, str(n)], tmp, collect="cmdop__sse_feed"), 5000)

        relay = Relay([a.core, "relay", "--port", "0"])
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith("CMDOP_")}
            env.update(CMDOP_TOKEN=relay.info["token"], CMDOP_BASE_URL=relay.info["relay_url"])
            got["c_unary_per_call"] = per_op(
                lambda n: callgrind([os.path.join(a.bin, "unary_cmdop"), str(n), ALPHA], tmp, env), 200)
        finally:
            relay.stop()

        def relay_run(n: int) -> int:
            out = os.path.join(tmp, "relay.out")
            r = Relay(VALGRIND + [f"--callgrind-out-file={out}", a.core, "relay", "--port", "0"])
            try:
                c = subprocess.run([os.path.join(a.bin, "unary_curl"), str(n), r.info["relay_url"],
                                    r.info["token"], ALPHA], capture_output=True, text=True, timeout=600)
                if c.returncode != 0:
                    raise SystemExit(f"guard: unary_curl failed: {c.stderr}")
            finally:
                r.stop()
            return total(out)
        got["relay_unary_per_call"] = per_op(relay_run, 200)

    if a.update:
        with open(BASELINE, "w") as f:
            json.dump({k: round(v) for k, v in got.items()}, f, indent=2)
            f.write("\n")
        print(f"guard: wrote {BASELINE}: {json.dumps({k: round(v) for k, v in got.items()})}")
        return 0
    with open(BASELINE) as f:
        base = json.load(f)
    bad = 0
    for k, v in got.items():
        b, tol = base[k], TOLERANCE[k]
        ratio = v / b
        verdict = "ok"
        if ratio > 1 + tol:
            verdict, bad = f"REGRESSION (over +{tol:.0%})", bad + 1
        elif ratio < 1 - tol:
            verdict = f"faster than the baseline by over {tol:.0%}: lower it (make bench-guard-update)"
        print(f"guard: {k}: {v:,.0f} instructions (baseline {b:,}, {ratio:.3f}x) {verdict}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
