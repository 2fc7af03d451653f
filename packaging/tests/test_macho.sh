#!/usr/bin/env bash
# The darwin cores, which cannot run here: macho.py checks each one's
# Mach-O header and load commands (arch, PIE, entry point, minimum macOS
# 11.0, linked dylibs libSystem and allowed frameworks only) and the arm64
# ad-hoc code signature's page hashes; the size limit holds. The checker
# itself must reject an arm64 core with one byte changed in its code.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
n=0
for t in darwin-x64 darwin-arm64; do
  case " $PLATFORMS " in *" $t "*) ;; *) continue ;; esac
  bin=$(core_path "$t"); n=$((n + 1))
  [ -f "$bin" ] || fail "$bin missing (make stage-bins)"
  python3 "$here/macho.py" "$bin" "${t#darwin-}" || fail "$t: Mach-O check failed"
  check_size "$bin"
done
[ "$n" -gt 0 ] || { echo "skipped: no darwin target in PLATFORMS"; exit 0; }
case " $PLATFORMS " in *" darwin-arm64 "*) ;; *) exit 0 ;; esac
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$(core_path darwin-arm64)" "$work/tampered"
printf '\001' | dd of="$work/tampered" bs=1 seek=$((0x4100)) conv=notrunc status=none
if python3 "$here/macho.py" "$work/tampered" arm64 2>"$work/err"; then
  fail "macho.py accepted an arm64 core with a changed code byte"
fi
grep -q "page hash" "$work/err" || fail "tampered core rejected for another reason: $(cat "$work/err")"
