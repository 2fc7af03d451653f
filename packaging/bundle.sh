#!/usr/bin/env bash
# packaging/bundle.sh BINARY TARGET — make BINARY self-contained the way
# auditwheel repairs a wheel: copy the closure of its DT_NEEDED shared
# libraries (every one that is not part of glibc) into lib-TARGET/ beside it,
# give each copied library RUNPATH $ORIGIN (so they find each other) and the
# binary RUNPATH $ORIGIN/lib-TARGET. TARGET is linux-x64 or linux-arm64; the
# libraries come from that architecture's Debian multiarch directories.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/elf-lib.sh"

bin=$1 target=$2
libdir="$(dirname "$bin")/lib-$target"
read -r -a dirs <<<"$(lib_dirs_for "$target")"
rm -rf "$libdir"; mkdir -p "$libdir"

resolve() {
  local d
  for d in "${dirs[@]}"; do
    if [ -e "$d/$1" ]; then echo "$d/$1"; return 0; fi
  done
  echo "bundle: $1 (needed for $target) not found in ${dirs[*]}" >&2
  return 1
}

# Breadth-first walk of NEEDED entries; "seen" guards against cycles.
declare -A seen=()
queue=("$bin")
while [ ${#queue[@]} -gt 0 ]; do
  cur=${queue[0]}; queue=("${queue[@]:1}")
  for so in $(elf_needed "$cur"); do
    is_glibc_object "$so" && continue
    [ -n "${seen[$so]:-}" ] && continue
    seen[$so]=1
    src=$(resolve "$so")
    cp -L "$src" "$libdir/$so"
    chmod 0644 "$libdir/$so"
    queue+=("$libdir/$so")
  done
done

for so in "${!seen[@]}"; do
  patchelf --set-rpath '$ORIGIN' "$libdir/$so"
done
patchelf --set-rpath "\$ORIGIN/lib-$target" "$bin"
echo "bundle: $(basename "$bin"): ${#seen[@]} libraries in lib-$target/, glibc >= $(glibc_min "$bin" "$libdir"/*.so*)"
