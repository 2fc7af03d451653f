# packaging/static/env.sh — sourced by the static build scripts: where the
# cache lives (outside the clone) and how a target name maps to Zig's.
#   CMDOP_STATIC_CACHE  the cache root (default ~/.cache/cmdop-static)
#   STATIC_JOBS         parallel jobs for dependency builds (default: nproc)
set -euo pipefail
STATIC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$STATIC_DIR/../.." && pwd)
CACHE=${CMDOP_STATIC_CACHE:-$HOME/.cache/cmdop-static}
VENV_DIR=$CACHE/venv
TC_BIN=$CACHE/toolchain/bin
SRC_DIR=$CACHE/src
DL_DIR=$CACHE/dl
JOBS=${STATIC_JOBS:-$(nproc)}
export ZIG_GLOBAL_CACHE_DIR=$CACHE/zig-cache ZIG_LOCAL_CACHE_DIR=$CACHE/zig-cache

ALL_TARGETS="linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64"

# zig_triple TARGET — Zig's -target for one of ALL_TARGETS. macOS 11.0 is the
# minimum OS written into the Mach-O LC_BUILD_VERSION.
zig_triple() {
  case "$1" in
    linux-x64) echo x86_64-linux-musl ;;
    linux-arm64) echo aarch64-linux-musl ;;
    darwin-x64) echo x86_64-macos.11.0 ;;
    darwin-arm64) echo aarch64-macos.11.0 ;;
    win32-x64) echo x86_64-windows-gnu ;;
    *) echo "static: unknown target '$1' (one of: $ALL_TARGETS)" >&2; return 1 ;;
  esac
}

# target_os TARGET — linux, darwin or win32.
target_os() { echo "${1%%-*}"; }

# exe_suffix TARGET — .exe on win32.
exe_suffix() { case "$1" in win32-*) echo .exe ;; *) echo "" ;; esac; }

die() { echo "static: $*" >&2; exit 1; }
