#!/usr/bin/env bash
# Installs what packaging needs when it is missing (idempotent, quiet): the
# tools the static builds run (packaging/static: cmake and ninja for curl,
# perl for OpenSSL's Configure, make, patch, dpkg-source for Debian source
# packages, python3-venv for the pinned Zig), qemu-user to run the arm64
# core in the tests, binutils (readelf) for the ELF checks and curl for the
# smoke tests' requests, openssl for the TLS test's server.
set -euo pipefail

pkgs=(cmake ninja-build perl make patch dpkg-dev python3-venv qemu-user binutils curl openssl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
echo "deps-cross: installing ${missing[*]}"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
