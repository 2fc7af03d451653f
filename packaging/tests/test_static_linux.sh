#!/usr/bin/env bash
# The linux cores are fully static ELF executables for their architecture:
# no program interpreter, no dynamic section (so no shared library at all),
# and each under the size limit.
. "$(dirname "$0")/lib.sh"
n=0
for t in linux-x64 linux-arm64; do
  case " $PLATFORMS " in *" $t "*) ;; *) continue ;; esac
  bin=$(core_path "$t"); n=$((n + 1))
  [ -x "$bin" ] || fail "$bin missing (make stage-bins)"
  case "$t" in linux-x64) mach="Advanced Micro Devices X86-64" ;; linux-arm64) mach=AArch64 ;; esac
  readelf -h "$bin" | grep -q "Machine:[[:space:]]*$mach\$" || fail "$t: not a $mach ELF"
  readelf -h "$bin" | grep -q 'Type:[[:space:]]*EXEC' || fail "$t: not a (non-PIE) executable"
  ! readelf -lW "$bin" | grep -q INTERP || fail "$t: has a program interpreter (dynamically linked)"
  ! readelf -lW "$bin" | grep -q DYNAMIC || fail "$t: has a dynamic section"
  check_size "$bin"
  # mimalloc is built without transparent huge pages (lib/mimalloc.sh: with
  # them 10,000 open streams cost the core 1.4 GB); its verbose start-up
  # prints the option in force. Only where the core runs natively.
  if [ "$t" = linux-x64 ] && [ "$(uname -m)" = x86_64 ]; then
    v=$(env -u MIMALLOC_ALLOW_THP MIMALLOC_VERBOSE=1 "$bin" --version 2>&1 >/dev/null) || fail "$t: --version failed"
    printf '%s\n' "$v" | grep -q "option 'allow_thp': 0" || fail "$t: mimalloc allows transparent huge pages"
  fi
done
[ "$n" -gt 0 ] || { echo "skipped: no linux target in PLATFORMS"; exit 0; }
