#!/bin/sh
# Builds dist/esm and dist/cjs (+ .d.ts) from src/ (the shim) and gen/node
# (generated). Each format is assembled in .build/<fmt> with its own
# package.json "type", so tsc's NodeNext emits ESM or CJS from one source.
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
  cp src/*.ts "$d/"
  rm "$d"/moduledir.*.ts
  cp "src/moduledir.$fmt.ts" "$d/moduledir.ts"
  cp -r ../../gen/node/src "$d/gen"
  cp -r ../../gen/node/proto "$d/gen/proto"
  # the public surface is generated (gen/index.ts); the package's entry is dist/<fmt>/index.js
  printf 'export * from "./gen/index.js";\n' > "$d/index.ts"
  if [ $fmt = esm ]; then type=module; else type=commonjs; fi
  printf '{"type": "%s"}\n' $type > "$d/package.json"
  printf '{"extends": "../../tsconfig.json", "compilerOptions": {"rootDir": ".", "outDir": "../../dist/%s"}, "include": ["**/*.ts"]}\n' $fmt > "$d/tsconfig.json"
  node_modules/.bin/tsc -p "$d/tsconfig.json"
  cp "$d/package.json" "dist/$fmt/package.json"
done
