#!/usr/bin/env bash
# packaging/static/core.sh TARGET [OUTDIR] — the static cmdop-core for TARGET:
# its dependencies from deps.sh (cached), then the project's own makefiles
# (the top Makefile, runtime/runtime.mk, relay/relay.mk) with the target's
# Zig compiler in their own output tree OUTDIR (default build/cross/TARGET).
# Prints the path of the binary (OUTDIR/cmdop-core, stripped).
. "$(dirname "$0")/env.sh"
T=${1:?usage: core.sh TARGET [OUTDIR]}
OS=$(target_os "$T")
out=${2:-build/cross/$T}
# One dependency build per target at a time (several make runs may share the cache).
mkdir -p "$CACHE"
prefix=$(flock "$CACHE/.deps-$T.lock" "$STATIC_DIR/deps.sh" "$T")
pc="env PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig pkg-config --static"
libs="-L$prefix/lib -lcurl -lssl -lcrypto -lmicrohttpd -ljansson -lprotobuf-c -lwslay"
case "$OS" in
  # mimalloc.o replaces musl's malloc (lib/mimalloc.sh); everything static.
  linux) libs="$prefix/lib/mimalloc.o $libs -static -Wl,--gc-sections -Wl,--strip-all" ;;
  # libSystem only; zig's linker writes the ad-hoc signature arm64 needs.
  darwin) libs="$libs -Wl,-dead_strip -Wl,-S" ;;
  # Winsock, the certificate store (curl's native CA), CryptoAPI/BCrypt
  # (OpenSSL's and curl's randomness), the IP helper (curl's interfaces).
  win32) libs="$libs -lws2_32 -lcrypt32 -lbcrypt -ladvapi32 -luser32 -liphlpapi -Wl,--gc-sections -s" ;;
esac
# CFLAGS: appended to the project's own (mk/common.mk); no unwind tables, as
# for the dependencies (deps.sh). On darwin, _DARWIN_C_SOURCE is what
# _DEFAULT_SOURCE is to glibc: the POSIX level mk/common.mk asks for plus the
# system's extensions (O_NOFOLLOW, mkdtemp, ...).
cflags="-fno-asynchronous-unwind-tables -fno-unwind-tables"
[ "$OS" = darwin ] && cflags="$cflags -D_DARWIN_C_SOURCE"
cd "$ROOT"
make --no-print-directory -j"$JOBS" BUILD="$out" CC="$TC_BIN/$T-cc" AR="$TC_BIN/$T-ar" \
  CFLAGS="$cflags" \
  PKG_CONFIG="$pc" PKG_LIBS="$libs" "$out/cmdop-core" >&2
echo "$ROOT/$out/cmdop-core"
