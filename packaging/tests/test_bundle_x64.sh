#!/usr/bin/env bash
# The staged linux-x64 binary takes every non-glibc library from its bundle:
# statically (DT_NEEDED walk, run paths) and as the loader resolves it (ldd
# with an empty LD_LIBRARY_PATH); jansson, protobuf-c and microhttpd are
# linked in, not needed.
. "$(dirname "$0")/lib.sh"
check_needed_walk linux-x64
bin="$STAGE/cmdop-core-linux-x64"
for so in $(elf_needed "$bin"); do
  case "$so" in libjansson*|libprotobuf-c*|libmicrohttpd*) fail "$so should be linked statically" ;; esac
done
LD_LIBRARY_PATH= ldd "$bin" >"${TMPDIR:-/tmp}/ldd.$$" || fail "ldd failed"
check_loader_trace linux-x64 <"${TMPDIR:-/tmp}/ldd.$$"
rm -f "${TMPDIR:-/tmp}/ldd.$$"
