# packaging/static/lib/jansson.sh — sourced by deps.sh: libjansson, static,
# compiled file by file with the config its CMake would write for these
# targets (its CMake probes cost minutes per target under a cross compiler,
# and every answer is known: C11 compilers with atomic builtins).
build_jansson() {
  local src=$SRC_DIR/jansson-2.14 d=$WORK/jansson f objs=() defs
  mkdir -p "$d/inc" "$PREFIX/include"
  sed -e 's/@json_inline@/inline/' -e 's/@json_have_long_long@/1/' \
    -e 's/@json_have_localeconv@/1/' -e 's/@json_have_atomic_builtins@/1/' \
    -e 's/@json_have_sync_builtins@/1/' "$src/src/jansson_config.h.in" >"$d/inc/jansson_config.h"
  defs="-DHAVE_STDINT_H=1 -DHAVE_SYS_TYPES_H=1 -DHAVE_SYS_STAT_H=1 -DHAVE_FCNTL_H=1
    -DHAVE_LOCALECONV=1 -DHAVE_ATOMIC_BUILTINS=1 -DHAVE_SYNC_BUILTINS=1 -DHAVE_GETPID=1"
  case "$OS" in
    win32) defs="$defs -DUSE_WINDOWS_CRYPTOAPI=1" ;;
    *) defs="$defs -DHAVE_UNISTD_H=1 -DHAVE_SYS_TIME_H=1 -DHAVE_SYS_PARAM_H=1 -DHAVE_SCHED_H=1
      -DHAVE_SCHED_YIELD=1 -DHAVE_GETTIMEOFDAY=1 -DHAVE_OPEN=1 -DHAVE_READ=1 -DHAVE_CLOSE=1
      -DUSE_URANDOM=1" ;;
  esac
  : >"$d/inc/jansson_private_config.h"
  for f in dump error hashtable hashtable_seed load memory pack_unpack strbuffer strconv utf value version; do
    # shellcheck disable=SC2086
    "$CC" $DEP_CFLAGS -DNDEBUG -DHAVE_CONFIG_H $defs -I"$d/inc" -I"$src/src" -c "$src/src/$f.c" -o "$d/$f.o" &
    objs+=("$d/$f.o")
    [ $(( ${#objs[@]} % JOBS )) -eq 0 ] && wait
  done
  wait
  for f in "${objs[@]}"; do [ -f "$f" ] || die "jansson: $(basename "$f") did not compile for $T"; done
  rm -f "$PREFIX/lib/libjansson.a"
  "$AR" rcs "$PREFIX/lib/libjansson.a" "${objs[@]}"
  cp "$src/src/jansson.h" "$d/inc/jansson_config.h" "$PREFIX/include/"
  printf 'prefix=%s\nName: Jansson\nDescription: Library for encoding, decoding and manipulating JSON data\nVersion: 2.14\nCflags: -I${prefix}/include\nLibs: -L${prefix}/lib -ljansson\n' \
    "$PREFIX" >"$PREFIX/lib/pkgconfig/jansson.pc"
}
