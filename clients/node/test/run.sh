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
# The examples: strict type-check, then compiled inside the package so that
# "@cmdop/sdk" resolves to this build (self-reference through "exports").
node_modules/.bin/tsc --strict --noEmit -p ../../examples/node/tsconfig.json
node_modules/.bin/tsc --strict -p ../../examples/node/tsconfig.json --noEmit false --outDir .build/examples
node --test --test-concurrency=1 .build/test/*.test.js .build/test/*.test.cjs
