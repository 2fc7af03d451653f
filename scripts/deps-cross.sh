#!/usr/bin/env bash
# Installs what packaging needs when it is missing (idempotent, quiet):
#  - the arm64 cross toolchain and the arm64 -dev packages of the core's deps
#    (Debian multiarch: dpkg --add-architecture arm64), qemu-user to run the
#    arm64 binary, patchelf to set the bundled libraries' run paths, and
#    binutils (readelf/objdump) for the bundle and glibc checks, curl for
#    the smoke tests' requests. libc6:arm64 is named because the tests run
#    the binary with its loader (qemu-aarch64 -L /, docs/packaging.md).
set -euo pipefail

sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"

pkgs=(gcc-aarch64-linux-gnu qemu-user patchelf binutils curl libc6:arm64
  libcurl4-openssl-dev:arm64 libjansson-dev:arm64 libssl-dev:arm64
  libprotobuf-c-dev:arm64 libmicrohttpd-dev:arm64)

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo_cmd dpkg --add-architecture arm64
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps-cross: installing ${missing[*]}"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
