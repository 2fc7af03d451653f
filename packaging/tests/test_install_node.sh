#!/usr/bin/env bash
# The npm tarball from make dist installs into a fresh npm project with
# `npm install --offline` (its dependencies are bundled inside it); the Node
# quickstart (examples/node/quickstart.ts) type-checks strictly against the
# installed package's own .d.ts, compiles (the repo's pinned tsc), and runs
# against a local relay through the packaged binary alone (no
# CMDOP_CORE_BINARY; the relay is the packaged binary too). The package's
# bin/ holds every built core, the notices, the SBOM and matching SHA256SUMS.
. "$(dirname "$0")/lib.sh"
want linux-x64
tgz=$(one_artifact "$ROOT/dist/cmdop-sdk-*.tgz" dist-node)
[ -f "$ROOT/examples/node/quickstart.ts" ] || fail "examples/node/quickstart.ts missing"
tsc="$ROOT/clients/node/node_modules/.bin/tsc"
[ -x "$tsc" ] || fail "$tsc missing (npm ci in clients/node: make node-build)"

work=$(mktemp -d)
RELAY_PID=""
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$work"' EXIT
proj="$work/proj"
mkdir -p "$proj"
(cd "$proj" && npm init -y >/dev/null && npm pkg set type=module && \
  npm install --offline --no-audit --no-fund --loglevel=error "$tgz") ||
  fail "npm install --offline of $(basename "$tgz") failed"

pkg="$proj/node_modules/@cmdop/sdk"
check_bin_dir "$pkg/bin"
core="$pkg/bin/cmdop-core-linux-x64"
[ -x "$core" ] || fail "installed package lacks an executable $core"
[ -d "$pkg/node_modules/@bufbuild/protobuf" ] || [ -d "$proj/node_modules/@bufbuild/protobuf" ] ||
  fail "@bufbuild/protobuf was not installed from the tarball's bundle"

start_relay "$work" "$core" relay --port 0 --token tok-install --api-key key-install
cp "$ROOT"/examples/node/*.ts "$proj/"
cat >"$proj/tsconfig.json" <<JSON
{
  "compilerOptions": {
    "target": "ES2022", "lib": ["ES2022", "ESNext.Disposable"],
    "module": "NodeNext", "moduleResolution": "NodeNext",
    "strict": true, "skipLibCheck": true, "outDir": "out",
    "types": ["node"], "typeRoots": ["$ROOT/clients/node/node_modules/@types"]
  },
  "include": ["*.ts"]
}
JSON
(cd "$proj" && "$tsc" -p tsconfig.json) || fail "examples/node/*.ts do not compile against the installed package"
# shellcheck disable=SC2046
(cd "$proj" && env -u CMDOP_CORE_BINARY -u NODE_PATH $(relay_env) node out/quickstart.js) >"$work/out.txt" 2>&1 ||
  { cat "$work/out.txt" >&2; fail "examples/node/quickstart.ts failed against the installed package"; }
n=$(curl -sS --max-time 30 "$(json_field "$RELAY_LINE" control_url)/requests" |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')
[ "$n" -gt 5 ] || { cat "$work/out.txt" >&2; fail "the relay saw only $n requests"; }
stop_relay
