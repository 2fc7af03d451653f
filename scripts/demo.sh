#!/usr/bin/env bash
# The README's demo: start the local relay on a free loopback port, point the
# SDK at it through the documented env vars, and run the same quickstart in
# C, Python and Node (the Python and Node ones speak to the C core over
# --stdio), then stop the relay.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
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
export CMDOP_CORE_BINARY="$root/$build/cmdop-core"
export CMDOP_PIN=1234
echo "local relay: $CMDOP_BASE_URL (platform $CMDOP_API_BASE_URL)"

banner() { printf '\n==== %s ====\n\n' "$1"; }
reset() { curl -fsS -X POST -d '{"state":true}' "$(field control_url)/reset" >/dev/null; }

banner "C (libcmdop)"
"$build/examples/quickstart"

banner "Python (cmdop, over cmdop-core --stdio)"
reset
PYTHONPATH="$root/clients/python/src" "$root/.venv/bin/python" "$root/examples/python/quickstart.py"

banner "Node (@cmdop/sdk, over cmdop-core --stdio)"
reset
node "$root/clients/node/.build/examples/quickstart.js"

banner "Bots (a Telegram bot inside the core, against the Telegram fake of tests/fakes)"
reset
mkfifo "$out/fake"
"$root/.venv/bin/python" "$root/tests/fakes/fake.py" telegram --port 0 --token 123:demo >"$out/fake" &
fake_pid=$!
read -r fake_line <"$out/fake"
fake_url=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$fake_line")
TELEGRAM_TOKEN=123:demo TELEGRAM_API_BASE_URL=$fake_url TELEGRAM_ALLOWED_USERS=42 \
  CMDOP_MACHINE_ID=20000000-0000-4000-8000-000000000001 CMDOP_BOT_SECONDS=5 \
  PYTHONPATH="$root/clients/python/src" "$root/.venv/bin/python" "$root/examples/python/telegram_bot.py" &
bot_pid=$!
say() { curl -fsS -X POST -H 'content-type: application/json' -d "$1" "$fake_url/_fake/message" >/dev/null; }
sleep 1.5
say '{"user": "42", "text": "echo: hello from the bot tour"}'
say '{"user": "99", "text": "uptime"}'
wait "$bot_pid"
curl -fsS "$fake_url/_fake/chat" | python3 -c '
import json, sys
for m in json.load(sys.stdin):
    who = "bot" if m["from"] == "bot" else "user " + m["from"]
    print("  chat %3s | %8s: %s  (edits: %d)" % (m["chat"], who, m["text"], m["edits"]))'
kill "$fake_pid"; wait "$fake_pid" || true
