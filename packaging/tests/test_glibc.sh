#!/usr/bin/env bash
# docs/packaging.md states the minimum glibc of each staged target; it must
# equal the highest GLIBC_x.y version the binary and its bundle reference.
. "$(dirname "$0")/lib.sh"
doc="$ROOT/docs/packaging.md"
for target in linux-x64 linux-arm64; do
  need=$(glibc_min "$STAGE/cmdop-core-$target" "$STAGE/lib-$target"/*)
  [ -n "$need" ] || fail "no GLIBC version references found for $target"
  stated=$(sed -n "s/^| $target | glibc \([0-9.]*\) .*/\1/p" "$doc")
  [ "$stated" = "$need" ] || fail "$target needs glibc $need; docs/packaging.md states '$stated'"
  host=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
  [ "$(printf '%s\n%s\n' "$need" "$host" | sort -V | tail -1)" = "$host" ] ||
    fail "$target needs glibc $need, newer than the build host's $host"
done
