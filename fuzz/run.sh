#!/usr/bin/env bash
# fuzz/run.sh DIR SECONDS NAME... — run each libFuzzer harness DIR/fuzz_NAME
# for SECONDS, then the IDL parser's atheris harness (fuzz/fuzz_idl.py) for
# as long. Each run starts from the committed seeds (fuzz/corpus/NAME, read
# only: the regression inputs of every crash found so far are among them)
# and writes what it finds to DIR/work/NAME. One harness at a time.
# Exits non-zero at the first crash, leak, sanitizer report or timeout,
# printing the end of the harness's log and the crashing input's path.
# FUZZ_JOBS is not used: one process at a time keeps a 2-core CI usable.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=$1 secs=$2
shift 2
python=${PYTHON:-.venv/bin/python}
mkdir -p "$dir/work" "$dir/artifacts" "$dir/logs"

run_one() {
  local name=$1
  shift
  mkdir -p "$dir/work/$name"
  local log="$dir/logs/$name.log"
  local t0=$SECONDS
  "$@" -max_total_time="$secs" -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/$name-" "$dir/work/$name" "fuzz/corpus/$name" >"$log" 2>&1
  local rc=$?
  local runs
  runs=$(grep -Eo '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units: [0-9]+)' "$log" |
    grep -Eo '[0-9]+$' | tail -1)
  if [ $rc -ne 0 ]; then
    echo "fuzz: $name FAILED (exit $rc) after $((SECONDS - t0)) s; log $log" >&2
    tail -n 60 "$log" >&2
    return 1
  fi
  echo "fuzz: $name ok, ${runs:-?} runs in $((SECONDS - t0)) s"
}

fail=0
for n in "$@"; do
  run_one "$n" "$dir/fuzz_$n" || fail=1
done
# atheris takes libFuzzer's flags; -atheris_runs is not needed with a time bound
run_one idl "$python" fuzz/fuzz_idl.py || fail=1
exit $fail
