#!/usr/bin/env bash
# The wheel from make dist installs offline into a fresh venv (pip
# --no-index, dependencies from the local wheelhouse that `make wheelhouse`
# downloaded) and the Python quickstart runs against a local relay through
# the packaged binary alone: no CMDOP_CORE_BINARY, no PYTHONPATH, no build/
# tree on the way (the relay itself is the packaged binary too).
. "$(dirname "$0")/lib.sh"
whl=$(one_artifact "$ROOT/dist/cmdop-*.whl" dist-python)
wheelhouse="$ROOT/build/wheelhouse"
ls "$wheelhouse"/protobuf-*.whl >/dev/null 2>&1 || fail "no protobuf wheel in $wheelhouse: run 'make wheelhouse'"
[ -f "$ROOT/examples/python/quickstart.py" ] || fail "examples/python/quickstart.py missing"

work=$(mktemp -d)
RELAY_PID=""
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$work"' EXIT

python3 -m venv "$work/venv" || fail "python3 -m venv failed"
"$work/venv/bin/pip" install -q --disable-pip-version-check --no-index \
  --find-links "$wheelhouse" "$whl" || fail "pip --no-index install of $(basename "$whl") failed"

pkg=$("$work/venv/bin/python" -c 'import cmdop, os; print(os.path.dirname(cmdop.__file__))')
case "$pkg" in "$work/venv/"*) ;; *) fail "cmdop imported from $pkg, not the fresh venv" ;; esac
core="$pkg/_bin/cmdop-core-linux-x64"
[ -x "$core" ] || fail "installed wheel lacks an executable $core"
[ -f "$pkg/_bin/lib-linux-x64/libcurl.so.4" ] || fail "installed wheel lacks _bin/lib-linux-x64/"
[ -x "$pkg/_bin/cmdop-core-linux-arm64" ] || fail "installed wheel lacks cmdop-core-linux-arm64"

start_relay "$work" "$core" relay --port 0 --token tok-install --api-key key-install
cp "$ROOT"/examples/python/*.py "$work/"
# shellcheck disable=SC2046
(cd "$work" && env -u CMDOP_CORE_BINARY -u PYTHONPATH $(relay_env) PATH=/usr/bin:/bin \
  "$work/venv/bin/python" quickstart.py) >"$work/out.txt" 2>&1 ||
  { cat "$work/out.txt" >&2; fail "examples/python/quickstart.py failed against the installed wheel"; }
for step in machines errors fleets_keys skills ask; do
  grep -qx "== $step" "$work/out.txt" || { cat "$work/out.txt" >&2; fail "quickstart did not reach step $step"; }
done
# The examples' calls went through the packaged core to this relay.
n=$(curl -sS --max-time 30 "$(json_field "$RELAY_LINE" control_url)/requests" |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')
[ "$n" -gt 5 ] || fail "the relay saw only $n requests"
stop_relay
