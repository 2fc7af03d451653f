#!/usr/bin/env bash
# tests/wine/run.sh EXE — the win32-x64 core (EXE, cmdop-core-win32-x64.exe)
# under Debian's Wine, with no Windows Python:
#   1. `EXE --version` names this tree's version and IDL hash;
#   2. `EXE relay --port 0` starts, prints its JSON line, serves the
#      platform and control endpoints (a real HTTP request from Linux);
#   3. the Python client's integration tests with CMDOP_CORE_BINARY set to
#      tests/wine/core.sh, so the client's core (`--stdio`: frames over
#      Wine's pipes, libcurl, the event loop, ask streams with PIN and
#      confirm) and the tests' relay both run as Windows programs.
# The Wine prefix lives outside the clone (CMDOP_WINE_PREFIX, default
# ~/.cache/cmdop-wine/prefix); its first creation takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
exe=$(realpath "${1:?usage: tests/wine/run.sh path/to/cmdop-core-win32-x64.exe}")
python=${PYTHON:-.venv/bin/python}
root=$PWD
command -v wine >/dev/null ||
  { echo "test-wine: wine is not installed (scripts/deps.sh installs Debian's wine64)" >&2; exit 1; }
[ -f "$exe" ] || { echo "test-wine: no $exe" >&2; exit 1; }

export WINEPREFIX=${CMDOP_WINE_PREFIX:-$HOME/.cache/cmdop-wine/prefix}
# no debug channels; no Mono or Gecko install prompt for the new prefix
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
tmp=$(mktemp -d)
case "$exe" in
  *.exe) ;;
  *) cp "$exe" "$tmp/cmdop-core.exe"; exe=$tmp/cmdop-core.exe ;;   # Wine goes by the name
esac
export CMDOP_WINE_CORE=$exe
wrapper=$root/tests/wine/core.sh
t0=$(date +%s)
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  mkdir -p "$WINEPREFIX"
  wineboot -i >/dev/null 2>&1
fi
relay_pid=
cleanup() {
  [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# One wineserver for the whole run, so each start of a Windows program takes
# a fraction of a second; it exits by itself 10 s after the last one ends.
# (It may already run: a server of this prefix from an earlier run is kept.)
wineserver -p10 2>/dev/null || true
fail() { echo "test-wine: FAIL: $*" >&2; exit 1; }

# 1. --version (text-mode stdout on Windows ends lines with CR LF)
want=$(sed -n 's/^#define CMDOP_VERSION "\(.*\)"/\1/p' runtime/include/cmdop/version.h)
out=$("$wrapper" --version) || fail "--version exited with $?"
got=$(printf '%s\n' "$out" | tr -d '\r' | sed -n 1p)
case "$got" in
  "cmdop-core $want (idl "*) echo "test-wine: --version: $got" ;;
  *) fail "--version printed '$got', wanted 'cmdop-core $want (idl ...)'" ;;
esac

# 2. the relay as a Windows program, reached from Linux over loopback
"$wrapper" relay --port 0 --token tok-wine --api-key key-wine >"$tmp/relay.out" 2>"$tmp/relay.err" &
relay_pid=$!
for _ in $(seq 100); do [ -s "$tmp/relay.out" ] && break; sleep 0.1; done
line=$(head -1 "$tmp/relay.out" | tr -d '\r')
[ -n "$line" ] || { cat "$tmp/relay.err" >&2; fail "the relay under Wine printed no JSON line"; }
"$python" - "$line" <<'PY' || fail "the relay under Wine did not serve"
import json, sys, urllib.request
info = json.loads(sys.argv[1])
req = urllib.request.Request(info["relay_url"] + "/api/fleets",
                             headers={"Authorization": "Bearer tok-wine"})
with urllib.request.urlopen(req, timeout=10) as r:
    assert r.status == 200, r.status
    json.loads(r.read())
with urllib.request.urlopen(info["control_url"] + "/requests", timeout=10) as r:
    seen = [x["path"] for x in json.loads(r.read())["requests"]]
    assert seen == ["/api/fleets"], seen
print("test-wine: relay under Wine:", info["relay_url"])
PY
kill "$relay_pid"
wait "$relay_pid" 2>/dev/null || true
relay_pid=

# 3. the Python client's integration tests through the Wine core
sel=$(sed 's/#.*//' tests/wine/pytest-selection.txt)
files=$(printf '%s\n' "$sel" | grep -v '^not ' | xargs)
skip=$(printf '%s\n' "$sel" | grep '^not ' | paste -sd '&' | sed 's/&/ and /g')
# shellcheck disable=SC2086
PYTHONPATH=$root/clients/python/src CMDOP_CORE_BINARY=$wrapper CMDOP_TEST_ROOT=$root \
  "$python" -m pytest -q -p no:cacheprovider ${skip:+-k "$skip"} $files
echo "test-wine: passed in $(( $(date +%s) - t0 ))s"
