#!/usr/bin/env bash
# make test-dist: runs every packaging/tests/test_*.sh, each in its own
# process; prints each result and a closing "dist: N passed, M failed" line.
cd "$(dirname "$0")"
passed=0 failed=0
for t in test_*.sh; do
  start=$(date +%s)
  if out=$(bash "$t" 2>&1); then
    passed=$((passed + 1)); echo "ok   $t ($(( $(date +%s) - start ))s)"
  else
    failed=$((failed + 1)); echo "FAIL $t ($(( $(date +%s) - start ))s)"; echo "$out" | sed 's/^/    /'
  fi
done
echo "dist: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
