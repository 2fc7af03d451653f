# packaging/static/lib/microhttpd.sh — sourced by deps.sh: libmicrohttpd
# (the local relay's HTTP server), static, plain HTTP only (no GnuTLS: the
# relay listens on loopback), no post processor, auth or docs. It is
# LGPL-2.1+; docs/packaging.md says how the shipped core meets that.
build_microhttpd() {
  local src=$SRC_DIR/libmicrohttpd-0.9.75 d=$WORK/microhttpd host threads=posix
  case "$T" in
    linux-x64) host=x86_64-linux-musl ;;
    linux-arm64) host=aarch64-linux-musl ;;
    darwin-x64) host=x86_64-apple-darwin ;;
    darwin-arm64) host=aarch64-apple-darwin ;;
    # auto: 0.9.75's configure probes Windows threads only in auto mode,
    # and picks them over winpthreads.
    win32-x64) host=x86_64-w64-mingw32 threads=auto ;;
  esac
  mkdir -p "$d" && cd "$d"
  CC=$CC AR=$AR RANLIB=$RANLIB CFLAGS="$DEP_CFLAGS" "$src/configure" -q \
    --build="$(uname -m)-pc-linux-gnu" --host="$host" --prefix="$PREFIX" --libdir="$PREFIX/lib" \
    --enable-static --disable-shared --disable-doc --disable-examples --disable-curl \
    --enable-https=no --without-gnutls --disable-postprocessor --disable-dauth --disable-bauth \
    --disable-nls --disable-rpath --disable-dependency-tracking --with-threads=$threads \
    >configure.log 2>&1 || { tail -n 30 configure.log config.log >&2; die "libmicrohttpd configure failed for $T"; }
  # win32: no version-info resource (it is for the DLL; there is no
  # windres-compatible resource compiler in the toolchain).
  { make -j"$JOBS" -C src/microhttpd MHD_DLL_RES_LO= install && make -C src/include install &&
    make install-pkgconfigDATA; } >build.log 2>&1 || { tail -n 40 build.log >&2; die "libmicrohttpd build failed for $T"; }
}
