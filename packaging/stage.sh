#!/usr/bin/env bash
# packaging/stage.sh BUILT_BINARY TARGET OUTDIR — put the static core built for
# TARGET (packaging/static/core.sh, already stripped at link time; a darwin
# binary must not be touched after zig's linker signed it) into OUTDIR as
# cmdop-core-TARGET, with .exe on win32.
set -euo pipefail
src=$1 target=$2 out=$3
case "$target" in
  linux-x64|linux-arm64|darwin-x64|darwin-arm64) name=cmdop-core-$target ;;
  win32-x64) name=cmdop-core-$target.exe ;;
  *) echo "stage: unknown target $target" >&2; exit 1 ;;
esac
[ -f "$src" ] || { echo "stage: $src missing (the $target build failed?)" >&2; exit 1; }
mkdir -p "$out"
cp "$src" "$out/$name.tmp"
chmod 755 "$out/$name.tmp"
mv "$out/$name.tmp" "$out/$name"
echo "stage: $name $(stat -c %s "$out/$name") bytes"
