#!/usr/bin/env bash
# make test-dist: runs every packaging/tests/test_*.sh, each in its own
# process; prints each result and a closing "dist: N passed, M failed,
# K skipped" line. A test that prints "skipped: ..." and exits 0 (its
# platform is not in PLATFORMS) counts as skipped.
cd "$(dirname "$0")"
passed=0 failed=0 skipped=0
for t in test_*.sh; do
  start=$(date +%s)
  if out=$(bash "$t" 2>&1); then
    if printf '%s\n' "$out" | grep -q '^skipped: '; then
      skipped=$((skipped + 1)); echo "skip $t ($(printf '%s\n' "$out" | sed -n 's/^skipped: //p' | head -1))"
    else
      passed=$((passed + 1)); echo "ok   $t ($(( $(date +%s) - start ))s)"
    fi
  else
    failed=$((failed + 1)); echo "FAIL $t ($(( $(date +%s) - start ))s)"; echo "$out" | sed 's/^/    /'
  fi
done
echo "dist: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
