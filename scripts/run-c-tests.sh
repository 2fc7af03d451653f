#!/usr/bin/env bash
# Runs Check test binaries one by one, keeps going after a failure, and
# prints one closing line with the totals. Exit 1 if any binary failed.
# TEST_RUNNER (e.g. "valgrind -q --error-exitcode=9") prefixes each binary.
set -u
read -r -a runner <<<"${TEST_RUNNER:-}"
passed=0; failed=0; bad=()
for bin in "$@"; do
  out=$("${runner[@]}" "$bin" 2>&1); rc=$?
  printf '%s\n' "$out" | sed "s|^|[$(basename "$bin")] |"
  # Check's summary line: "100%: Checks: 12, Failures: 0, Errors: 0"
  line=$(printf '%s\n' "$out" | grep -E 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' | tail -1)
  if [ -n "$line" ]; then
    n=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
    f=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/' <<<"$line")
    f=$((f)); passed=$((passed + n - f)); failed=$((failed + f))
  fi
  if [ $rc -ne 0 ] || [ -z "$line" ]; then
    bad+=("$bin"); [ -z "$line" ] && failed=$((failed + 1))
  fi
done
echo "${TEST_LABEL:-c}: $passed passed, $failed failed"
if [ ${#bad[@]} -ne 0 ]; then echo "failing: ${bad[*]}" >&2; exit 1; fi
