#!/usr/bin/env bash
# The staged linux-arm64 binary: the same bundle checks, statically through
# readelf -d (DT_NEEDED walk, run paths) and as the aarch64 loader resolves
# it under qemu (LD_TRACE_LOADED_OBJECTS, what ldd does).
. "$(dirname "$0")/lib.sh"
check_needed_walk linux-arm64
bin="$STAGE/cmdop-core-linux-arm64"
readelf -h "$bin" | grep -q 'AArch64' || fail "$bin is not an AArch64 ELF"
for so in $(elf_needed "$bin"); do
  case "$so" in libjansson*|libprotobuf-c*|libmicrohttpd*) fail "$so should be linked statically" ;; esac
done
trace=$(timeout 120 "${QEMU_ARM64[@]}" -E LD_TRACE_LOADED_OBJECTS=1 -E LD_LIBRARY_PATH= "$bin") ||
  fail "loader trace under qemu failed"
check_loader_trace linux-arm64 <<<"$trace"
