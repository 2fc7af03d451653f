#!/usr/bin/env bash
# The win32 core's headers (pe.py: PE32+ x86-64 console program importing
# only Windows system DLLs) and its size; running it is test_wine.sh's part.
. "$(dirname "$0")/lib.sh"
want win32-x64
bin=$(core_path win32-x64)
[ -f "$bin" ] || fail "$bin missing (make stage-bins)"
python3 "$(dirname "$0")/pe.py" "$bin" || fail "win32-x64: PE check failed"
check_size "$bin"
