#!/usr/bin/env bash
# make test-install: `make install` into a temporary prefix, then build the C
# quickstart (examples/c/quickstart.c) against the installed copy only, with
# `pkg-config --cflags --libs cmdop`, and run it against a local relay with
# LD_LIBRARY_PATH pointing at the prefix and nowhere else. Also links it
# statically (pkg-config --static) and checks a DESTDIR install stages the
# same files. Usage: tests/install/run.sh <build dir> (the core binary in it
# runs the relay).
set -euo pipefail
build=${1:?usage: run.sh <build dir>}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=$(mktemp -d)
relay_pid=
cleanup() {
  if [ -n "$relay_pid" ]; then kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "test-install: FAIL: $*" >&2; exit 1; }

prefix=$work/prefix
make=${MAKE:-make}
$make --no-print-directory -s BUILD="$build" install PREFIX="$prefix" >/dev/null

lib=$prefix/lib
for f in include/cmdop.h include/cmdop/export.h include/cmdop/ops.h include/cmdop/types.h \
         lib/libcmdop.a lib/pkgconfig/cmdop.pc; do
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done
for f in "$lib"/libcmdop.so.*.*.* ; do [ -f "$f" ] || fail "no versioned libcmdop.so.X.Y.Z"; done
[ "$(readlink "$lib/libcmdop.so")" = libcmdop.so.0 ] || fail "libcmdop.so is not a symlink to libcmdop.so.0"
readelf -d "$lib/libcmdop.so.0" | grep -q 'SONAME.*\[libcmdop\.so\.0\]' || fail "SONAME is not libcmdop.so.0"
[ ! -e "$lib/libcmdop-core.a" ] || fail "the internal archive libcmdop-core.a was installed"

# DESTDIR stages under DESTDIR/PREFIX; cmdop.pc still names PREFIX.
$make --no-print-directory -s BUILD="$build" install PREFIX=/opt/cmdop DESTDIR="$work/stage" >/dev/null
[ -f "$work/stage/opt/cmdop/lib/libcmdop.a" ] || fail "DESTDIR install: no libcmdop.a"
grep -qx 'prefix=/opt/cmdop' "$work/stage/opt/cmdop/lib/pkgconfig/cmdop.pc" || fail "DESTDIR leaked into cmdop.pc"

# Only the installed copy: PKG_CONFIG_PATH at the prefix, no -I/-L into the tree.
export PKG_CONFIG_PATH=$lib/pkgconfig
pkg-config --exists cmdop || fail "pkg-config does not find cmdop"
pkg-config --print-requires-private cmdop | grep -q libcurl || fail "Requires.private lacks libcurl"
cflags=$(pkg-config --cflags cmdop)
libs=$(pkg-config --libs cmdop)
echo "test-install: cc quickstart.c $cflags $libs"
${CC:-cc} -Wall -Wextra -Werror $cflags -o "$work/quickstart" examples/c/quickstart.c $libs
# Static: the archive plus the Requires.private packages, linked shared
# (`pkg-config --static` would also pull their own private closure, and
# Debian's libcurl.pc names archives Debian does not ship, as
# packaging/packaging.mk notes) and Libs.private.
libs_private=$(sed -n 's/^Libs\.private: //p' "$lib/pkgconfig/cmdop.pc")
static_libs="-L$lib -l:libcmdop.a $(pkg-config --libs $(pkg-config --print-requires-private cmdop)) $libs_private"
${CC:-cc} -Wall -Wextra -Werror $cflags -o "$work/quickstart-static" \
  examples/c/quickstart.c $static_libs
readelf -d "$work/quickstart" | grep -q 'NEEDED.*\[libcmdop\.so\.0\]' || fail "quickstart does not need libcmdop.so.0"
! readelf -d "$work/quickstart-static" | grep -q 'NEEDED.*libcmdop' || fail "the static quickstart needs libcmdop.so"
! readelf -d "$work/quickstart" | grep -qE 'RPATH|RUNPATH' || fail "quickstart carries an rpath"
resolved=$(env -i LD_LIBRARY_PATH="$lib" ldd "$work/quickstart" | awk '/libcmdop/ {print $3}')
[ "$resolved" = "$lib/libcmdop.so.0" ] || fail "libcmdop resolves to '$resolved', not the prefix"

# A local relay on a free port (as scripts/demo.sh runs it).
mkfifo "$work/line"
"$build/cmdop-core" relay --port 0 >"$work/line" &
relay_pid=$!
read -r line <"$work/line"
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$line" "$1"; }
run() {
  env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$lib" \
    CMDOP_BASE_URL="$(field relay_url)" CMDOP_API_BASE_URL="$(field platform_url)" \
    CMDOP_TOKEN="$(field token)" CMDOP_API_KEY="$(field api_key)" CMDOP_PIN=1234 "$@"
}
reset() { curl -fsS -X POST -d '{"state":true}' "$(field control_url)/reset" >/dev/null; }
run "$work/quickstart" >"$work/out.txt" 2>&1 || { cat "$work/out.txt" >&2; fail "quickstart (shared) exited non-zero"; }
reset
run "$work/quickstart-static" >"$work/out-static.txt" 2>&1 || { cat "$work/out-static.txt" >&2; fail "quickstart (static) exited non-zero"; }
grep -q 'machines.list' "$work/out.txt" || fail "quickstart printed no machines.list line"
echo "test-install: OK (installed headers, .a, .so.0 -> $(basename "$lib"/libcmdop.so.*.*.*), cmdop.pc; quickstart built with pkg-config and run, shared and static)"
