#!/usr/bin/env bash
# The arm64 core as the Python client's core (--stdio) under qemu-user: the
# installed wheel's cmdop-core-linux-arm64, run through a qemu wrapper named
# by CMDOP_CORE_BINARY, serves the whole Python quickstart (unary calls, ask
# streams with PIN and confirm) against a relay. The wrapper leaves a mark so
# the test knows the arm64 core really ran.
. "$(dirname "$0")/lib.sh"
want linux-arm64
work=$(mktemp -d)
RELAY_PID=""
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$work"' EXIT

install_wheel "$work"
arm="$PY_PKG/_bin/cmdop-core-linux-arm64"
[ -x "$arm" ] || fail "installed wheel lacks $arm"
cat >"$work/core-arm64" <<WRAP
#!/bin/sh
echo "\$\$ \$*" >>"$work/core-arm64.ran"
exec ${QEMU_ARM64[*]} "$arm" "\$@"
WRAP
chmod +x "$work/core-arm64"

# The relay: the host's own packaged core when there is one, else the arm64 one.
if [ -x "$PY_PKG/_bin/cmdop-core-linux-x64" ]; then
  start_relay "$work" "$PY_PKG/_bin/cmdop-core-linux-x64" relay --port 0 --token tok-arm --api-key key-arm
else
  start_relay "$work" "$work/core-arm64" relay --port 0 --token tok-arm --api-key key-arm
fi
run_python_quickstart "$work" CMDOP_CORE_BINARY="$work/core-arm64"
grep -q -- '--stdio' "$work/core-arm64.ran" 2>/dev/null || fail "the arm64 core was never spawned"
stop_relay
