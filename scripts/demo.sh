#!/usr/bin/env bash
# The README's demo: start the local relay on a free loopback port, point the
# SDK at it through the documented env vars, run the C quickstart, stop it.
set -euo pipefail
build=${1:-build}
out=$(mktemp -d)
trap 'kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; rm -rf "$out"' EXIT

mkfifo "$out/line"
"$build/cmdop-core" relay --port 0 >"$out/line" &
relay_pid=$!
read -r line <"$out/line"
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$line" "$1"; }

export CMDOP_BASE_URL=$(field relay_url)
export CMDOP_API_BASE_URL=$(field platform_url)
export CMDOP_TOKEN=$(field token)
export CMDOP_API_KEY=$(field api_key)
echo "local relay: $CMDOP_BASE_URL (platform $CMDOP_API_BASE_URL)"
echo
"$build/examples/quickstart"
