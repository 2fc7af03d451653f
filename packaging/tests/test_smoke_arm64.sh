#!/usr/bin/env bash
# Integration smoke test of the staged linux-arm64 binary under qemu-aarch64:
# --version names the same version and IDL hash as the x64 build, and relay
# --port 0 answers a real HTTP request from the host with the seeded machines.
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
RELAY_PID=""
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$work"' EXIT
bin="$STAGE/cmdop-core-linux-arm64"
v=$(timeout 120 "${QEMU_ARM64[@]}" -E LD_LIBRARY_PATH= "$bin" --version) || fail "--version under qemu failed"
[ "$v" = "$("$STAGE/cmdop-core-linux-x64" --version)" ] || fail "arm64 --version '$v' differs from x64"
start_relay "$work" "${QEMU_ARM64[@]}" -E LD_LIBRARY_PATH= "$bin" relay --port 0 --token T --api-key K
check_seeded_machines "$RELAY_LINE"
stop_relay
