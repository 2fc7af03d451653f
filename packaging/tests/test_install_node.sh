#!/usr/bin/env bash
# The npm tarball from make dist installs into a fresh npm project with
# `npm install --offline` (its dependencies are bundled inside it) and the
# Node quickstart runs against a local relay through the packaged binary
# alone (no CMDOP_CORE_BINARY; the relay is the packaged binary too).
. "$(dirname "$0")/lib.sh"
tgz=$(one_artifact "$ROOT/dist/cmdop-sdk-*.tgz" dist-node)
qs=""
for f in quickstart.mjs quickstart.js quickstart.cjs; do
  [ -f "$ROOT/examples/node/$f" ] && { qs=$f; break; }
done
[ -n "$qs" ] || fail "examples/node/quickstart.{mjs,js,cjs} missing"

work=$(mktemp -d)
RELAY_PID=""
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$work"' EXIT
proj="$work/proj"
mkdir -p "$proj"
(cd "$proj" && npm init -y >/dev/null && \
  npm install --offline --no-audit --no-fund --loglevel=error "$tgz") ||
  fail "npm install --offline of $(basename "$tgz") failed"

pkg="$proj/node_modules/@cmdop/sdk"
core="$pkg/bin/cmdop-core-linux-x64"
[ -x "$core" ] || fail "installed package lacks an executable $core"
[ -f "$pkg/bin/lib-linux-x64/libcurl.so.4" ] || fail "installed package lacks bin/lib-linux-x64/"
[ -x "$pkg/bin/cmdop-core-linux-arm64" ] || fail "installed package lacks cmdop-core-linux-arm64"
[ -d "$pkg/node_modules/@bufbuild/protobuf" ] || [ -d "$proj/node_modules/@bufbuild/protobuf" ] ||
  fail "@bufbuild/protobuf was not installed from the tarball's bundle"

start_relay "$work" "$core" relay --port 0 --token tok-install --api-key key-install
cp "$ROOT"/examples/node/*.*js "$proj/"
# shellcheck disable=SC2046
(cd "$proj" && env -u CMDOP_CORE_BINARY -u NODE_PATH $(relay_env) node "$qs") >"$work/out.txt" 2>&1 ||
  { cat "$work/out.txt" >&2; fail "examples/node/$qs failed against the installed package"; }
n=$(curl -sS --max-time 30 "$(json_field "$RELAY_LINE" control_url)/requests" |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')
[ "$n" -gt 5 ] || { cat "$work/out.txt" >&2; fail "the relay saw only $n requests"; }
stop_relay
