#!/bin/sh
# The win32 core under Wine, for CMDOP_CORE_BINARY: a client (or the tests'
# relay fixture) runs this script as it would run cmdop-core, and it runs
# $CMDOP_WINE_CORE (cmdop-core-win32-x64.exe) with the same arguments, stdin,
# stdout, stderr and environment. tests/wine/run.sh sets WINEPREFIX and the rest.
core=${CMDOP_WINE_CORE:?CMDOP_WINE_CORE names the .exe (tests/wine/run.sh sets it)}
if [ "${1:-}" != relay ]; then
  # the same process: a client that kills its core kills the Windows program
  exec wine "$core" "$@"
fi
# Wine turns SIGINT into Ctrl+C, which stops the relay cleanly (exit 0), but
# lets SIGTERM kill it outright; a stop request is therefore passed on as SIGINT.
wine "$core" "$@" <&0 &
child=$!
stop=
trap 'stop=1; kill -INT "$child" 2>/dev/null' TERM INT
wait "$child"
rc=$?
[ -n "$stop" ] && { wait "$child"; rc=$?; }
exit "$rc"
