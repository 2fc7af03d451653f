#!/bin/sh
# Builds dist/esm and dist/cjs (+ .d.ts) from src/: the shim and, under
# src/gen, the generated surface (make gen). tsc's NodeNext takes a file's
# format from the nearest package.json "type", so each format compiles a
# copy of src/ in .build/<fmt> with its own; the CJS copy takes
# moduledir.cjs.ts in place of the ESM moduledir.ts.
set -eu
cd "$(dirname "$0")"
# Several make targets (test-node, parity, conformance) build this package;
# in a shared tree they may run at once: one build at a time.
mkdir -p .build
exec 9>.build/lock
flock 9
rm -rf .build/esm .build/cjs dist
for fmt in esm cjs; do
  d=.build/$fmt
  mkdir -p "$d"
  cp -r src/. "$d/"
  if [ $fmt = cjs ]; then mv "$d/moduledir.cjs.ts" "$d/moduledir.ts"; else rm "$d/moduledir.cjs.ts"; fi
  if [ $fmt = esm ]; then type=module; else type=commonjs; fi
  printf '{"type": "%s"}\n' $type > "$d/package.json"
  printf '{"extends": "../../tsconfig.json", "compilerOptions": {"noEmit": false, "rootDir": ".", "outDir": "../../dist/%s"}, "include": ["**/*.ts"]}\n' $fmt > "$d/tsconfig.json"
  node_modules/.bin/tsc -p "$d/tsconfig.json"
  cp "$d/package.json" "dist/$fmt/package.json"
done
