# packaging/static/lib/cmake.sh — sourced by deps.sh: run_cmake DIR SRC
# ARGS... configures SRC in DIR for the target with a generated toolchain
# file (the target's zig wrappers, no host paths searched), then builds and
# installs into PREFIX with ninja.
run_cmake() {
  local dir=$1 src=$2 sys proc; shift 2
  case "$OS" in linux) sys=Linux ;; darwin) sys=Darwin ;; win32) sys=Windows ;; esac
  case "$T" in *-x64) proc=x86_64 ;; *-arm64) proc=aarch64 ;; esac
  mkdir -p "$dir"
  cat >"$dir/toolchain.cmake" <<TC
set(CMAKE_SYSTEM_NAME $sys)
set(CMAKE_SYSTEM_PROCESSOR $proc)
set(CMAKE_C_COMPILER "$CC")
set(CMAKE_AR "$AR")
set(CMAKE_RANLIB "$RANLIB")
set(CMAKE_FIND_ROOT_PATH "$PREFIX")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
TC
  cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$dir/toolchain.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="$DEP_CFLAGS -DNDEBUG" \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
    -DBUILD_SHARED_LIBS=OFF "$@" >"$dir/cmake.log" 2>&1 ||
    { tail -n 30 "$dir/cmake.log" >&2; die "cmake configure of $(basename "$src") failed for $T"; }
  ninja -C "$dir" -j"$JOBS" install >"$dir/build.log" 2>&1 ||
    { tail -n 40 "$dir/build.log" >&2; die "build of $(basename "$src") failed for $T"; }
}
