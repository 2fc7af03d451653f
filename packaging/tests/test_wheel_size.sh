#!/usr/bin/env bash
# With all five cores, the wheel stays smaller than the official cmdop 1.1.1
# wheel, which carries the same five platforms (tests/compat/fetch.sh pins it
# by sha256; it is 25,035,569 bytes).
. "$(dirname "$0")/lib.sh"
OFFICIAL_WHEEL_BYTES=25035569
for t in linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64; do
  case " $PLATFORMS " in *" $t "*) ;; *) echo "skipped: needs all five platforms ($t not built)"; exit 0 ;; esac
done
whl=$(one_artifact "$ROOT/dist/cmdop-*.whl" dist-python)
n=$(stat -c %s "$whl")
[ "$n" -lt "$OFFICIAL_WHEEL_BYTES" ] || fail "$(basename "$whl") is $n bytes, not smaller than the official $OFFICIAL_WHEEL_BYTES"
echo "wheel: $n bytes (official 1.1.1: $OFFICIAL_WHEEL_BYTES)"
