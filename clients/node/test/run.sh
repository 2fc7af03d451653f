#!/bin/sh
# make test-node: compile the tests (TypeScript, strict) and run them with
# `node --test` against the compiled package; then type-check the examples.
# $1: the core binary (build/cmdop-core).
set -eu
cd "$(dirname "$0")/.."
export CMDOP_CORE_BINARY="$1"
rm -rf .build/test
node_modules/.bin/tsc -p test/tsconfig.json
cp test/*.cjs .build/test/
node --test --test-concurrency=1 .build/test/
