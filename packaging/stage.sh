#!/usr/bin/env bash
# packaging/stage.sh BUILT_BINARY TARGET OUTDIR — put the release binary for
# TARGET (linux-x64, linux-arm64) into OUTDIR as cmdop-core-TARGET, stripped,
# with its shared-library bundle lib-TARGET/ (packaging/bundle.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$1 target=$2 out=$3
case "$target" in
  linux-x64) strip_cmd=strip ;;
  linux-arm64) strip_cmd=aarch64-linux-gnu-strip ;;
  *) echo "stage: unknown target $target" >&2; exit 1 ;;
esac
mkdir -p "$out"
dst="$out/cmdop-core-$target"
rm -f "$dst"
cp "$src" "$dst"
"$strip_cmd" "$dst"
"$here/bundle.sh" "$dst" "$target"
