#!/usr/bin/env bash
# The ABI gate of libcmdop.so (docs/abi.md), run by `make abi-check`:
#   1. exports: every defined dynamic symbol is a public cmdop_<name>
#      function under the version node CMDOP_0 — no internal cmdop__*
#      symbol, no dependency's symbol;
#   2. abidiff (libabigail) of the library's ABI, limited to the public
#      headers, against the committed baseline runtime/abi/libcmdop.abi.
# Any difference fails. An incompatible one (removed or changed function,
# changed type layout) breaks SONAME libcmdop.so.0 and is not allowed
# without a major version bump. A compatible one (an added function) is
# allowed by the policy but must be recorded deliberately:
# `make abi-baseline` rewrites the baseline, and the diff is reviewed.
# Usage: check.sh <libcmdop.so.X.Y.Z> [--update]
set -euo pipefail
so=${1:?usage: check.sh <libcmdop.so.X.Y.Z> [--update]}
root=$(cd "$(dirname "$0")/../.." && pwd)
baseline=$root/runtime/abi/libcmdop.abi
dump() {
  abidw --no-corpus-path --no-show-locs --no-comp-dir-path --exported-interfaces-only \
    --drop-private-types --drop-undefined-syms \
    --headers-dir "$root/runtime/include/cmdop" --headers-dir "$root/gen/c/include/cmdop" \
    --out-file "$1" "$so"
}
command -v abidw >/dev/null || { echo "abi-check: abidw not found (Debian: abigail-tools; make deps)" >&2; exit 1; }

if [ "${2:-}" = "--update" ]; then
  dump "$baseline"
  echo "abi-baseline: wrote runtime/abi/libcmdop.abi from $so; review and commit the diff"
  exit 0
fi

bad=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^CMDOP_0$' \
  | grep -Ev '^cmdop_[a-z0-9][a-z0-9_]*@@CMDOP_0$' || true)
if [ -n "$bad" ]; then
  echo "abi-check: $so exports symbols outside the public cmdop_* API:" >&2
  echo "$bad" | head -20 >&2
  exit 1
fi
# Every function the public headers declare is exported (a declaration
# without CMDOP_EXTERN would be hidden), and nothing else.
declared=$(echo '#include "cmdop.h"' | ${CC:-cc} -E -P -DCMDOP_EXTERN= \
  -I"$root/runtime/include" -I"$root/gen/c/include" -x c - \
  | grep -oE '(\(\*[[:space:]]*)?\<cmdop_[a-z0-9_]+[[:space:]]*\(' | grep -v '^(' \
  | grep -oE 'cmdop_[a-z0-9_]+' | sort -u)
exported=$(nm -D --defined-only "$so" | awk '$2 == "T" {print $3}' | sed 's/@.*//' | sort -u)
if [ "$declared" != "$exported" ]; then
  echo "abi-check: the public headers' functions and the exports differ" \
       "(< declared only: missing CMDOP_EXTERN or definition; > exported only):" >&2
  diff <(echo "$declared") <(echo "$exported") | grep '^[<>]' | head -20 >&2
  exit 1
fi
n=$(echo "$exported" | wc -l)
internal=$(nm -D "$so" | grep -c 'cmdop__' || true)
[ "$internal" -eq 0 ] || { echo "abi-check: $so exports cmdop__ symbols" >&2; exit 1; }

[ -f "$baseline" ] || { echo "abi-check: no baseline $baseline; run make abi-baseline" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dump "$tmp/current.abi"
set +e
abidiff --no-show-locs "$baseline" "$tmp/current.abi" >"$tmp/diff.txt" 2>&1
rc=$?
set -e
if [ "$rc" -eq 0 ]; then
  echo "abi-check: $n public symbols exported, no cmdop__; ABI equal to runtime/abi/libcmdop.abi"
  exit 0
fi
cat "$tmp/diff.txt" >&2
if [ $((rc & 8)) -ne 0 ]; then
  echo "abi-check: INCOMPATIBLE ABI change against runtime/abi/libcmdop.abi: it breaks" \
       "SONAME libcmdop.so.0 (docs/abi.md). Undo it, or bump CMDOP_VERSION_MAJOR and" \
       "refresh the baseline with make abi-baseline." >&2
elif [ $((rc & 4)) -ne 0 ]; then
  echo "abi-check: ABI change against runtime/abi/libcmdop.abi (report above). An added" \
       "function or a field appended to a record is compatible: if intended, run" \
       "make abi-baseline and commit the baseline. A moved, retyped or removed field or a" \
       "changed signature is not: it needs a SONAME bump (docs/abi.md)." >&2
else
  echo "abi-check: abidiff failed (exit $rc)" >&2
fi
exit 1
