# packaging/tests/lib.sh — sourced by the dist tests: where things are and
# small helpers (fail with a message, skip a platform that was not built,
# start a relay and read its JSON line, install the built artifacts).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STAGE=${STAGE:-$ROOT/build/stage/bin}
# What make dist built (packaging/packaging.mk passes it on).
PLATFORMS=${PLATFORMS:-linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64}
# The static linux-arm64 core needs no loader or libraries: -L points nowhere.
QEMU_ARM64=(qemu-aarch64 -L /nonexistent)
# The size every shipped core stays under.
MAX_CORE_BYTES=5000000

fail() { echo "FAIL: $*" >&2; exit 1; }

# want TARGET — returns unless TARGET was not built; then the test is skipped
# (run.sh counts a test that prints "skipped: ..." and exits 0 as skipped).
want() {
  case " $PLATFORMS " in *" $1 "*) return 0 ;; esac
  echo "skipped: $1 not in PLATFORMS"; exit 0
}

# core_path TARGET — the staged core of TARGET.
core_path() { case "$1" in win32-*) echo "$STAGE/cmdop-core-$1.exe" ;; *) echo "$STAGE/cmdop-core-$1" ;; esac; }

# check_size FILE — under MAX_CORE_BYTES.
check_size() {
  local n; n=$(stat -c %s "$1")
  [ "$n" -lt "$MAX_CORE_BYTES" ] || fail "$(basename "$1") is $n bytes, over $MAX_CORE_BYTES"
}

# lock_version NAME — a library's version as pinned in packaging/static/sources.lock.
lock_version() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$ROOT/packaging/static/sources.lock"; }

# check_versions OUTPUT [allocator] — `cmdop-core --version` output: this
# tree's version and IDL hash first, then every linked library at its pinned
# version (and mimalloc as the allocator when the second argument says so).
check_versions() {
  local out=$1 want_ver lib
  want_ver=$(sed -n 's/^#define CMDOP_VERSION "\(.*\)"/\1/p' "$ROOT/runtime/include/cmdop/version.h")
  case "$(printf '%s\n' "$out" | head -1)" in
    "cmdop-core $want_ver (idl "*) ;; *) fail "--version first line: $(printf '%s\n' "$out" | head -1)" ;;
  esac
  printf '%s\n' "$out" | grep -q "^libcurl $(lock_version curl)\(-DEV\)\? (OpenSSL/$(lock_version openssl))$" ||
    fail "--version lacks libcurl $(lock_version curl) on OpenSSL $(lock_version openssl): $out"
  for lib in openssl jansson protobuf-c libmicrohttpd wslay; do
    printf '%s\n' "$out" | grep -qx "$lib $(lock_version "$lib")" || fail "--version lacks '$lib $(lock_version "$lib")': $out"
  done
  if [ "${2:-}" = mimalloc ]; then
    printf '%s\n' "$out" | grep -qx "allocator mimalloc $(lock_version mimalloc)" || fail "--version: allocator is not mimalloc: $out"
  fi
}

# json_field JSON KEY — one top-level field of a JSON object.
json_field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# start_relay WORKDIR CMD... — runs CMD (a cmdop-core relay invocation) in
# the background; sets RELAY_PID and RELAY_LINE (its one JSON line). The
# caller stops it with stop_relay.
start_relay() {
  local work=$1; shift
  rm -f "$work/relay.fifo"; mkfifo "$work/relay.fifo"
  "$@" >"$work/relay.fifo" 2>"$work/relay.err" &
  RELAY_PID=$!
  RELAY_LINE=""
  read -r -t 60 RELAY_LINE <"$work/relay.fifo" || true
  [ -n "$RELAY_LINE" ] || { cat "$work/relay.err" >&2; fail "relay printed no JSON line: $*"; }
}

# stop_relay — SIGTERM, and the relay must exit 0 (clean shutdown).
stop_relay() {
  local rc=0
  kill -TERM "$RELAY_PID" 2>/dev/null || true
  wait "$RELAY_PID" || rc=$?
  RELAY_PID=""
  [ "$rc" -eq 0 ] || fail "relay exited with $rc on SIGTERM"
}

# check_seeded_machines RELAY_LINE — a real request from the host's curl:
# the relay plane's machine list must hold the seeded machines in order.
check_seeded_machines() {
  local url token body names
  url=$(json_field "$1" relay_url); token=$(json_field "$1" token)
  body=$(curl -sS --max-time 30 -H "Authorization: Bearer $token" "$url/api/machines") ||
    fail "curl $url/api/machines failed"
  names=$(python3 -c 'import json,sys
print(" ".join(m["name"] for m in json.loads(sys.argv[1])["items"]))' "$body") || fail "unexpected /api/machines body: $body"
  [ "$names" = "alpha bravo charlie delta echo" ] || fail "seeded machines: got '$names'"
}

# relay_env — the documented env vars that point a client at the relay
# started by start_relay, as "K=V" words for env(1).
relay_env() {
  echo "CMDOP_BASE_URL=$(json_field "$RELAY_LINE" relay_url)" \
       "CMDOP_API_BASE_URL=$(json_field "$RELAY_LINE" platform_url)" \
       "CMDOP_TOKEN=$(json_field "$RELAY_LINE" token)" \
       "CMDOP_API_KEY=$(json_field "$RELAY_LINE" api_key)"
}

# one_artifact GLOB WHAT — the single dist/ file matching GLOB, or a clear
# failure naming the target that makes it.
one_artifact() {
  local matches=()
  shopt -s nullglob; matches=($1); shopt -u nullglob
  [ ${#matches[@]} -eq 1 ] ||
    fail "expected exactly one $1, found ${#matches[@]}: run 'make dist' ($2 makes it)"
  echo "${matches[0]}"
}

# check_bin_dir DIR — an installed package's binary folder holds the core of
# every built platform and nothing else named cmdop-core-*, the license
# notices, the SBOM, and a SHA256SUMS that every file matches.
check_bin_dir() {
  local dir=$1 t names=() got want
  for t in $PLATFORMS; do
    names+=("$(basename "$(core_path "$t")")")
    [ -f "$dir/${names[-1]}" ] || fail "$dir lacks the $t core"
  done
  got=$(cd "$dir" && ls -d cmdop-core-* | LC_ALL=C sort | tr '\n' ' ')
  want=$(printf '%s\n' "${names[@]}" | LC_ALL=C sort | tr '\n' ' ')
  [ "$got" = "$want" ] || fail "$dir holds cores '$got', wanted '$want'"
  for f in SHA256SUMS sbom.spdx.json licenses/THIRD_PARTY_NOTICES.txt; do
    [ -s "$dir/$f" ] || fail "$dir lacks $f"
  done
  (cd "$dir" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not match the files in $dir"
  for t in $PLATFORMS; do
    grep -q "  $(basename "$(core_path "$t")")\$" "$dir/SHA256SUMS" || fail "SHA256SUMS lacks the $t core"
  done
}

# install_wheel WORK — the wheel from dist/ into a fresh venv WORK/venv,
# offline (pip --no-index, dependencies from build/wheelhouse); sets PY_PKG
# to the installed cmdop package directory.
install_wheel() {
  local work=$1 whl wheelhouse="$ROOT/build/wheelhouse"
  whl=$(one_artifact "$ROOT/dist/cmdop-*.whl" dist-python)
  ls "$wheelhouse"/protobuf-*.whl >/dev/null 2>&1 || fail "no protobuf wheel in $wheelhouse: run 'make wheelhouse'"
  python3 -m venv "$work/venv" || fail "python3 -m venv failed"
  "$work/venv/bin/pip" install -q --disable-pip-version-check --no-index \
    --find-links "$wheelhouse" "$whl" || fail "pip --no-index install of $(basename "$whl") failed"
  PY_PKG=$("$work/venv/bin/python" -c 'import cmdop, os; print(os.path.dirname(cmdop.__file__))')
  case "$PY_PKG" in "$work/venv/"*) ;; *) fail "cmdop imported from $PY_PKG, not the fresh venv" ;; esac
}

# run_python_quickstart WORK [VAR=VALUE...] — examples/python/quickstart.py
# (all its steps) with WORK/venv's python against the running relay, in a
# scrubbed environment: no CMDOP_CORE_BINARY or PYTHONPATH unless given,
# PATH without build/. Fails unless every step ran and the relay saw the calls.
run_python_quickstart() {
  local work=$1 step n; shift
  [ -f "$ROOT/examples/python/quickstart.py" ] || fail "examples/python/quickstart.py missing"
  mkdir -p "$work/examples"; cp "$ROOT"/examples/python/*.py "$work/examples/"
  # shellcheck disable=SC2046
  (cd "$work/examples" && env -u CMDOP_CORE_BINARY -u PYTHONPATH $(relay_env) PATH=/usr/bin:/bin "$@" \
    "$work/venv/bin/python" quickstart.py) >"$work/out.txt" 2>&1 ||
    { cat "$work/out.txt" >&2; fail "examples/python/quickstart.py failed against the installed wheel"; }
  for step in machines errors fleets_keys skills ask; do
    grep -qx "== $step" "$work/out.txt" || { cat "$work/out.txt" >&2; fail "quickstart did not reach step $step"; }
  done
  n=$(curl -sS --max-time 30 "$(json_field "$RELAY_LINE" control_url)/requests" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')
  [ "$n" -gt 5 ] || fail "the relay saw only $n requests"
}
