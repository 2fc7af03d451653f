#!/usr/bin/env bash
# The wheel from make dist installs offline into a fresh venv (pip
# --no-index, dependencies from the local wheelhouse that `make wheelhouse`
# downloaded) and the Python quickstart runs against a local relay through
# the packaged binary alone: no CMDOP_CORE_BINARY, no PYTHONPATH, no build/
# tree on the way (the relay itself is the packaged binary too). The wheel's
# _bin/ holds every built core, the notices, the SBOM and matching SHA256SUMS.
. "$(dirname "$0")/lib.sh"
want linux-x64
work=$(mktemp -d)
RELAY_PID=""
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$work"' EXIT

install_wheel "$work"
check_bin_dir "$PY_PKG/_bin"
core="$PY_PKG/_bin/cmdop-core-linux-x64"
[ -x "$core" ] || fail "installed wheel lacks an executable $core"

start_relay "$work" "$core" relay --port 0 --token tok-install --api-key key-install
run_python_quickstart "$work"
stop_relay
