#!/usr/bin/env bash
# The staged win32-x64 core under Wine: --version, `relay --port 0`, and the
# Python client's integration tests (ask with PIN and confirm among them)
# with the core run through Wine (tests/wine/run.sh). Skipped when win32-x64
# is not in PLATFORMS (make dist PLATFORMS=linux-x64).
. "$(dirname "$0")/lib.sh"
case " ${PLATFORMS:-win32-x64} " in
  *" win32-x64 "*) ;;
  *) echo "skipped: win32-x64 not in PLATFORMS"; exit 0 ;;
esac
exe=$STAGE/cmdop-core-win32-x64.exe
[ -f "$exe" ] || fail "no staged $exe"
PYTHON=$ROOT/.venv/bin/python "$ROOT/tests/wine/run.sh" "$exe"
