#!/usr/bin/env bash
# Smoke test of the staged linux-x64 binary on a "host" that has only glibc:
# a chroot holding the C library's own objects and the staged directory,
# nothing else (no curl, OpenSSL, jansson, ...). --version runs; relay
# --port 0 serves the seeded machines to the real host's curl.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || fail "needs root for chroot (CI runs as root)"
work=$(mktemp -d)
RELAY_PID=""
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$work"' EXIT

root="$work/root"
mkdir -p "$root/opt/cmdop" "$root/lib64" "$root/lib/x86_64-linux-gnu" "$root/tmp"
cp -a "$STAGE/cmdop-core-linux-x64" "$STAGE/lib-linux-x64" "$root/opt/cmdop/"
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
for f in /lib/x86_64-linux-gnu/*.so*; do
  is_glibc_object "$(basename "$f")" && cp -L "$f" "$root/lib/x86_64-linux-gnu/"
done
# Nothing outside glibc and the bundle may be present in the chroot.
extra=$(cd "$root" && find . -type f ! -path './opt/cmdop/*' -printf '%f\n' |
  while read -r so; do is_glibc_object "$so" || echo "$so"; done)
[ -z "$extra" ] || fail "chroot holds non-glibc files: $extra"

bin=/opt/cmdop/cmdop-core-linux-x64
chroot=$(command -v chroot) || fail "chroot not found"
mkdir -p "$root/proc"
# IN_ROOT CMD... — run CMD inside the chroot with an empty environment, in a
# private mount namespace holding a /proc (the loader expands $ORIGIN from
# /proc/self/exe, as on any real host); the mount goes away with the process.
# Every step execs the next, so a background start's $! is the binary's pid.
IN_ROOT=(env -i LD_LIBRARY_PATH= unshare -m /bin/sh -c
  'r=$0 c=$1; shift; mount -t proc proc "$r/proc" && exec "$c" "$r" "$@"' "$root" "$chroot")
v=$("${IN_ROOT[@]}" "$bin" --version) || fail "--version failed in the glibc-only chroot"
[ "$v" = "$("$ROOT/build/release/cmdop-core" --version)" ] || fail "--version: '$v'"
start_relay "$work" "${IN_ROOT[@]}" "$bin" relay --port 0 --token T --api-key K
[ "$(json_field "$RELAY_LINE" token)" = T ] || fail "relay line: $RELAY_LINE"
check_seeded_machines "$RELAY_LINE"
stop_relay
