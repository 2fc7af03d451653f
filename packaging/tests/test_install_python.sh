#!/usr/bin/env bash
# The wheel from make dist installs offline into a fresh venv (pip
# --no-index, dependencies from the local wheelhouse that `make wheelhouse`
# downloaded) and the Python quickstart runs against a local relay through
# the packaged binary alone: no CMDOP_CORE_BINARY, no PYTHONPATH, no build/
# tree on the way (the relay itself is the packaged binary too).
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
RELAY_PID=""
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$work"' EXIT

install_wheel "$work"
core="$PY_PKG/_bin/cmdop-core-linux-x64"
[ -x "$core" ] || fail "installed wheel lacks an executable $core"
[ -f "$PY_PKG/_bin/lib-linux-x64/libcurl.so.4" ] || fail "installed wheel lacks _bin/lib-linux-x64/"
[ -x "$PY_PKG/_bin/cmdop-core-linux-arm64" ] || fail "installed wheel lacks cmdop-core-linux-arm64"
[ -f "$PY_PKG/_bin/lib-linux-arm64/libcurl.so.4" ] || fail "installed wheel lacks _bin/lib-linux-arm64/"

start_relay "$work" "$core" relay --port 0 --token tok-install --api-key key-install
run_python_quickstart "$work"
stop_relay
