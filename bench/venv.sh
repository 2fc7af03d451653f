#!/usr/bin/env bash
# Builds (once) the bench venv from bench/requirements.txt OUTSIDE the clone,
# in ~/.cache/cmdop-bench/venv-<hash of the requirements> (CMDOP_BENCH_CACHE
# moves it), and prints its python on stdout. A venv whose requirements hash
# matches is reused, so the download happens once per pin set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
req="$here/requirements.txt"
cache=${CMDOP_BENCH_CACHE:-$HOME/.cache/cmdop-bench}
hash=$(sha256sum "$req" | cut -c1-16)
venv="$cache/venv-$hash"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.ok" ]; then
  echo "bench: building $venv" >&2
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" >&2
  touch "$venv/.ok"
fi
echo "$venv/bin/python"
