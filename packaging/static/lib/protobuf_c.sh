# packaging/static/lib/protobuf_c.sh — sourced by deps.sh: the protobuf-c
# runtime (one C file; the protoc-c compiler is the host's, see scripts/deps.sh).
build_protobuf_c() {
  local src=$SRC_DIR/protobuf-c-1.4.1 d=$WORK/protobuf-c
  mkdir -p "$d" "$PREFIX/include/protobuf-c"
  # shellcheck disable=SC2086
  "$CC" $DEP_CFLAGS -DNDEBUG -I"$src" -c "$src/protobuf-c/protobuf-c.c" -o "$d/protobuf-c.o"
  rm -f "$PREFIX/lib/libprotobuf-c.a"
  "$AR" rcs "$PREFIX/lib/libprotobuf-c.a" "$d/protobuf-c.o"
  cp "$src/protobuf-c/protobuf-c.h" "$PREFIX/include/protobuf-c/"
  printf 'prefix=%s\nName: libprotobuf-c\nDescription: protobuf-c runtime\nVersion: 1.4.1\nCflags: -I${prefix}/include\nLibs: -L${prefix}/lib -lprotobuf-c\n' \
    "$PREFIX" >"$PREFIX/lib/pkgconfig/libprotobuf-c.pc"
}
