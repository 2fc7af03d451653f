#!/usr/bin/env bash
# packaging/static/deps.sh TARGET — builds the core's dependencies for
# TARGET (one of env.sh's ALL_TARGETS) as static libraries with the pinned
# Zig, into a prefix in the cache, and prints that prefix. The prefix is
# keyed by a hash of the sources (sources.lock, patches/), the toolchain pin,
# and every build script and flag (this file, env.sh, lib/*.sh): a cached
# prefix is reused as is, and any change to them builds a new one.
#   PREFIX/include, PREFIX/lib/*.a, PREFIX/lib/pkgconfig/*.pc
#   PREFIX/versions   name<TAB>version of every library in it
. "$(dirname "$0")/env.sh"
# deps.sh --key TARGET prints only the cache key (e.g. for a CI cache).
print_key=0
[ "${1:-}" = --key ] && { print_key=1; shift; }
T=${1:?usage: deps.sh [--key] TARGET}
zig_triple "$T" >/dev/null
OS=$(target_os "$T")

# Comment lines do not count (nor sources.lock's license columns).
key=$( (echo "$T"; grep -hv '^[[:space:]]*#' "$STATIC_DIR/requirements.txt" "$STATIC_DIR/env.sh" \
  "$STATIC_DIR/deps.sh" "$STATIC_DIR"/lib/*.sh "$STATIC_DIR"/patches/*.patch
  grep -v '^#' "$STATIC_DIR/sources.lock" | cut -f1-5) | sha256sum | cut -c1-16)
[ "$print_key" = 1 ] && { echo "$key"; exit 0; }
PREFIX=$CACHE/deps/$T-$key
if [ -f "$PREFIX/.done" ]; then echo "$PREFIX"; exit 0; fi

"$STATIC_DIR/toolchain.sh"
"$STATIC_DIR/fetch.sh" >&2
CC=$TC_BIN/$T-cc AR=$TC_BIN/$T-ar RANLIB=$TC_BIN/$T-ranlib
# Sections per function/object so the final link drops what the core never
# calls (--gc-sections / -dead_strip in packaging/static/core.sh); no unwind
# tables (C only, nothing unwinds: 400 KB of .eh_frame in a core otherwise).
DEP_CFLAGS="-O2 -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"
WORK=$CACHE/work/$T-$key
rm -rf "$WORK" "$PREFIX"
mkdir -p "$WORK" "$PREFIX/lib/pkgconfig" "$PREFIX/include"

for f in "$STATIC_DIR"/lib/*.sh; do . "$f"; done

start=$(date +%s)
for lib in openssl curl jansson protobuf_c microhttpd wslay mimalloc; do
  t0=$(date +%s)
  ( "build_$lib" )
  echo "deps $T: $lib $(( $(date +%s) - t0 ))s" >&2
done
{
  while IFS=$'\t' read -r name version _; do
    case "$name" in ''|'#'*) continue ;; esac
    printf '%s\t%s\n' "$name" "$version"
  done <"$STATIC_DIR/sources.lock"
} >"$PREFIX/versions"
echo "deps $T: all in $(( $(date +%s) - start ))s" >&2
rm -rf "$WORK"
touch "$PREFIX/.done"
echo "$PREFIX"
