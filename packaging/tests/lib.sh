# packaging/tests/lib.sh — sourced by the dist tests: where things are and
# small helpers (fail with a message, start a relay and read its JSON line).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STAGE=${STAGE:-$ROOT/build/stage/bin}
. "$ROOT/packaging/elf-lib.sh"
# -L / (not /usr/aarch64-linux-gnu): the loader must be the one of the
# multiarch libc6:arm64 the binary was linked against. The cross sysroot's
# ld.so (libc6-arm64-cross, another Debian revision) paired with the
# multiarch libc.so.6 disagrees on ld.so's private data: the first
# pthread_create spins forever walking a stack-cache list.
QEMU_ARM64=(qemu-aarch64 -L /)

fail() { echo "FAIL: $*" >&2; exit 1; }

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

# check_loader_trace TARGET — reads ldd-style lines on stdin ("soname =>
# path (addr)" or "/path/ld-linux... (addr)") and fails unless every
# library resolved from lib-TARGET/ beside the binary, except glibc's own
# objects, which must come from the system.
check_loader_trace() {
  local target=$1 line so path n=0
  while IFS= read -r line; do
    case "$line" in *"not found"*) fail "unresolved: $line" ;; esac
    if [[ "$line" =~ ^[[:space:]]*([^[:space:]]+)\ =\>\ ([^[:space:]]+) ]]; then
      so=${BASH_REMATCH[1]} path=${BASH_REMATCH[2]}
    elif [[ "$line" =~ ^[[:space:]]*(/[^[:space:]]+) ]]; then
      path=${BASH_REMATCH[1]} so=$(basename "$path")
    else
      continue   # linux-vdso and the like: no file
    fi
    n=$((n + 1))
    if is_glibc_object "$so"; then
      case "$path" in "$STAGE"/*) fail "$so (glibc) must come from the system, not $path" ;; esac
    else
      [ "$path" = "$STAGE/lib-$target/$so" ] || fail "$so resolved to $path, not lib-$target/"
    fi
  done
  [ "$n" -gt 2 ] || fail "loader trace listed only $n objects"
}

# check_needed_walk TARGET — the static view: walk DT_NEEDED from the
# binary; each entry is glibc or a file in lib-TARGET/, the binary's
# RUNPATH is $ORIGIN/lib-TARGET and every bundled library's is $ORIGIN.
check_needed_walk() {
  local target=$1 bin="$STAGE/cmdop-core-$1" dir="$STAGE/lib-$1" f so
  [ -x "$bin" ] || fail "$bin missing (run make stage-bins)"
  [ "$(elf_runpath "$bin")" = "\$ORIGIN/lib-$target" ] || fail "RUNPATH of $bin: '$(elf_runpath "$bin")'"
  for f in "$bin" "$dir"/*; do
    [ "$f" = "$bin" ] || [ "$(elf_runpath "$f")" = '$ORIGIN' ] || fail "RUNPATH of $f: '$(elf_runpath "$f")'"
    for so in $(elf_needed "$f"); do
      is_glibc_object "$so" || [ -f "$dir/$so" ] || fail "$(basename "$f") needs $so: neither glibc nor in lib-$target/"
    done
  done
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
