#!/usr/bin/env bash
# The linux-arm64 core under qemu-user with no loader or library directory
# (-L /nonexistent): --version names the same version and IDL hash as the
# x64 build and every linked library at its pinned version; `relay --port 0`
# answers a real HTTP request from the host with the seeded machines;
# SIGTERM exits 0.
. "$(dirname "$0")/lib.sh"
want linux-arm64
command -v qemu-aarch64 >/dev/null || fail "qemu-aarch64 not found (scripts/deps-cross.sh installs qemu-user)"
work=$(mktemp -d)
RELAY_PID=""
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$work"' EXIT
bin=$(core_path linux-arm64)
[ -x "$bin" ] || fail "$bin missing (make stage-bins)"
v=$(timeout 120 "${QEMU_ARM64[@]}" "$bin" --version) || fail "--version under qemu failed"
check_versions "$v" mimalloc
if [ -x "$(core_path linux-x64)" ]; then
  [ "$(echo "$v" | head -1)" = "$("$(core_path linux-x64)" --version | head -1)" ] ||
    fail "arm64 --version '$(echo "$v" | head -1)' differs from x64"
fi
start_relay "$work" "${QEMU_ARM64[@]}" "$bin" relay --port 0 --token T --api-key K
check_seeded_machines "$RELAY_LINE"
stop_relay
