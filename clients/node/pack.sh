#!/bin/sh
# make dist-node: one npm tarball from the built package (dist/), carrying
# whatever build/stage/bin/ holds (cmdop-core-<plat>-<arch>[.exe], licenses/,
# sbom.spdx.json, SHA256SUMS: docs/packaging.md)
# under bin/, and @bufbuild/protobuf bundled so `npm --offline` installs it.
# $1: the output folder (the repo's dist/).
set -eu
cd "$(dirname "$0")"
# build.sh holds this lock while it rewrites dist/: never pack half a build.
mkdir -p .build
exec 9>.build/lock
flock 9
stage=../../build/stage/bin
rm -rf bin
mkdir -p bin "$1"
if [ -d "$stage" ] && [ -n "$(ls -A "$stage")" ]; then
  cp -a "$stage"/. bin/
else
  echo "dist-node: $stage is empty: the tarball carries no core binary (run make stage-bins)" >&2
fi
test -d node_modules/@bufbuild/protobuf # bundled: must be installed (npm ci)
npm pack --pack-destination "$1" --loglevel=warn
