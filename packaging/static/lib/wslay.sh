# packaging/static/lib/wslay.sh — sourced by deps.sh: libwslay (the bots'
# WebSocket framing), static, from the wslay-sys crate's vendored 1.1.1 tree.
# Its config.h-free build reads HAVE_* macros for the byte-order headers.
build_wslay() {
  local src=$SRC_DIR/wslay-1.1.1/vendor d=$WORK/wslay defs f objs=()
  case "$OS" in
    win32) defs="-DHAVE_WINSOCK2_H" ;;
    *) defs="-DHAVE_ARPA_INET_H -DHAVE_NETINET_IN_H" ;;
  esac
  mkdir -p "$d" "$PREFIX/include/wslay"
  for f in wslay_event wslay_frame wslay_net wslay_queue; do
    # shellcheck disable=SC2086
    "$CC" $DEP_CFLAGS $defs -DNDEBUG -I"$src" -I"$src/includes" -c "$src/$f.c" -o "$d/$f.o"
    objs+=("$d/$f.o")
  done
  rm -f "$PREFIX/lib/libwslay.a"
  "$AR" rcs "$PREFIX/lib/libwslay.a" "${objs[@]}"
  cp "$src/includes/wslay/wslay.h" "$src/includes/wslay/wslayver.h" "$PREFIX/include/wslay/"
  printf 'prefix=%s\nName: libwslay\nDescription: WebSocket library\nVersion: 1.1.1\nCflags: -I${prefix}/include\nLibs: -L${prefix}/lib -lwslay\n' \
    "$PREFIX" >"$PREFIX/lib/pkgconfig/libwslay.pc"
}
