#!/usr/bin/env bash
# Installs what the build needs when it is missing: Debian packages (apt-get)
# and the generator's pinned Python packages in a project venv (.venv).
# Idempotent and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_pkgs=(libcurl4-openssl-dev libjansson-dev libssl-dev libprotobuf-c-dev
  protobuf-c-compiler libmicrohttpd-dev check pkg-config make gcc valgrind curl
  abigail-tools
  libwslay-dev  # the bots' WebSocket framing (runtime/src/bot_ws.c)
  clang libclang-rt-14-dev  # make fuzz: clang-14 and its libFuzzer/ASan runtimes
  wine64)  # make test-wine: the win32-x64 core under Wine (about 25 s to install)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

venv=${VENV:-.venv}
req=generator/requirements.txt
stamp="$venv/.deps-stamp"
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -m venv "$venv" 2>/dev/null; then
    # Debian's own python3 keeps venv in a separate package.
    rm -rf "$venv"
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
fi
if [ ! -f "$stamp" ] || ! cmp -s "$req" "$stamp"; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
  cp "$req" "$stamp"
fi
# The chat-platform fakes of the bot conversation tests (tests/fakes): pinned.
fakes_req=tests/fakes/requirements.txt
fakes_stamp="$venv/.fakes-deps-stamp"
if [ ! -f "$fakes_stamp" ] || ! cmp -s "$fakes_req" "$fakes_stamp"; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$fakes_req"
  cp "$fakes_req" "$fakes_stamp"
fi
# The IDL parser's fuzz harness (make fuzz): atheris, pinned.
fuzz_req=fuzz/requirements.txt
fuzz_stamp="$venv/.fuzz-deps-stamp"
if [ ! -f "$fuzz_stamp" ] || ! cmp -s "$fuzz_req" "$fuzz_stamp"; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$fuzz_req"
  cp "$fuzz_req" "$fuzz_stamp"
fi
