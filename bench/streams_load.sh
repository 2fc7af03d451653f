#!/bin/sh
# bench/streams_load.sh — N concurrent paced asks against a fresh local
# relay, read by the bare load generator (bench/c/streams_load.c), which
# prints one JSON line: wall, frames, the time the opens took, time to first
# frame and pacing drift (p50/p99/max), the client's CPU, and the relay's CPU
# seconds and peak RSS (docs/performance.md "The local relay").
#
# Usage: bench/streams_load.sh CORE LOAD_BIN [N [DELAY_MS [WORDS]]]
#   e.g. bench/streams_load.sh build/cmdop-core build/bench/bin/streams_load 10000
# Defaults: 10000 streams, 100 ms pacing, 49 words after "echo: " (49 delta
# events + done = 50 frames, as bench/run.py's streams measures).
set -eu
core=$1 load=$2 n=${3:-10000} delay=${4:-100} words=${5:-49}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
dir=$(mktemp -d "${TMPDIR:-/tmp}/cmdop-load.XXXXXX")
"$core" relay --port 0 >"$dir/info" 2>"$dir/err" &
relay=$!
trap 'kill "$relay" 2>/dev/null; wait "$relay" 2>/dev/null; rm -rf "$dir"' EXIT
i=0
while [ ! -s "$dir/info" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
url=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['relay_url'])" "$dir/info")
token=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['token'])" "$dir/info")
curl -sf -X POST "$url/_control/ask" -d "{\"delay_ms\": $delay, \"streams\": $n}" >/dev/null
prompt=$(python3 -c "import sys; print('echo: ' + ' '.join('w%d' % i for i in range(int(sys.argv[1]))))" "$words")
"$load" "$n" "$url" "$token" 20000000-0000-4000-8000-000000000001 "$prompt" "$delay" "$relay"
