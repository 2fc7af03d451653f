#!/usr/bin/env bash
# packaging/notices.sh STAGE_DIR TARGET... — what ships beside the staged
# cores (both the wheel's cmdop/_bin/ and the npm package's bin/ copy it):
#   licenses/THIRD_PARTY_NOTICES.txt  every statically linked component, its
#       version, license and full license text, per target
#   licenses/libmicrohttpd-source/    the complete source the relay's HTTP
#       server was built from (LGPL-2.1+, docs/packaging.md "Licenses")
#   sbom.spdx.json                    SPDX 2.3: each core and what it contains
#   SHA256SUMS                        sha256 of every other file, sha256sum -c format
# Reads the pinned sources (packaging/static/sources.lock) from the cache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/static/env.sh"
stage=$1; shift
targets=("$@")
lic=$stage/licenses
rm -rf "$lic" "$stage/sbom.spdx.json" "$stage/SHA256SUMS"
mkdir -p "$lic/libmicrohttpd-source"
zig_pkg=$("$VENV_DIR/bin/python" -c 'import ziglang, os; print(os.path.dirname(ziglang.__file__))')

notice() { # NAME VERSION LICENSE WHERE FILE
  printf '\n%s\n%s %s — %s\nlinked into: %s\n%s\n\n' \
    "================================================================================" "$1" "$2" "$3" "$4" \
    "--------------------------------------------------------------------------------"
  cat "$5"
}
has_os() { local t; for t in "${targets[@]}"; do [ "${t%%-*}" = "$1" ] && return 0; done; return 1; }

{
  echo "Third-party software statically linked into the cmdop-core binaries of this package"
  echo "(cmdop-core-<os>-<arch>). cmdop itself is MIT-licensed. Cores here: ${targets[*]}."
  while IFS=$'\t' read -r name version origin _ _ license lfile; do
    case "$name" in ''|'#'*) continue ;; esac
    where="all cores"
    [ "$name" = mimalloc ] && { has_os linux || continue; where="the linux cores (the allocator)"; }
    notice "$name" "$version" "$license (from $origin)" "$where" "$SRC_DIR/$name-$version/$lfile"
  done <"$STATIC_DIR/sources.lock"
  has_os linux && notice musl 1.2.5 "MIT (the C library, as shipped in ziglang 0.15.2)" "the linux cores" \
    "$zig_pkg/lib/libc/musl/COPYRIGHT"
  has_os win32 && notice mingw-w64 13.0 "ZPL-2.1 and others (C runtime and winpthreads, as shipped in ziglang 0.15.2)" \
    "the win32 core" "$zig_pkg/lib/libc/mingw/COPYING"
  notice "Zig compiler-rt" 0.15.2 "MIT (compiler runtime routines, from ziglang 0.15.2)" "all cores" "$zig_pkg/LICENSE"
} >"$lic/THIRD_PARTY_NOTICES.txt"

# libmicrohttpd's Debian source package, as pinned (the .dsc names its files).
mhd_dsc=$(awk -F'\t' '$1 == "libmicrohttpd" { print $4 }' "$STATIC_DIR/sources.lock")
cp "$DL_DIR/$mhd_dsc" "$lic/libmicrohttpd-source/"
sed -n '/^Checksums-Sha256:/,/^[A-Z]/p' "$DL_DIR/$mhd_dsc" | grep '^ ' | while read -r _ _ f; do
  cp "$DL_DIR/$f" "$lic/libmicrohttpd-source/"
done

python3 "$here/sbom.py" "$stage" "$STATIC_DIR/sources.lock" "${targets[@]}" >"$stage/sbom.spdx.json"
(cd "$stage" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
echo "notices: $(wc -l <"$stage/SHA256SUMS") files in SHA256SUMS"
