# packaging/static/lib/mimalloc.sh — sourced by deps.sh: on linux only,
# mimalloc as one object (PREFIX/lib/mimalloc.o) that replaces malloc and
# friends when linked into the core (musl supports replacing its malloc in a
# static link; its own allocator is slow under threads and many small
# allocations). darwin and win32 keep the system allocator.
build_mimalloc() {
  [ "$OS" = linux ] || return 0
  local src=$SRC_DIR/mimalloc-2.3.2/c_src/mimalloc/v2
  # MI_LIBC_MUSL and local-dynamic TLS: what mimalloc's own CMake sets for a
  # static musl build.
  # __DATE__/__TIME__ (printed only in verbose mode) fixed: reproducible.
  # MI_DEFAULT_ALLOW_THP=0: no transparent huge pages. By default mimalloc
  # commits a 1 GiB arena up front on Linux and madvises it MADV_HUGEPAGE,
  # so every 2 MiB the core touches becomes resident and zeroed: with them
  # 10,000 open streams cost the core 1.4 GB peak RSS and 3-4x the CPU
  # (docs/packaging.md "The static core's memory"). MIMALLOC_ALLOW_THP=1
  # in the environment turns them back on.
  # shellcheck disable=SC2086
  "$CC" $DEP_CFLAGS -Wno-builtin-macro-redefined -D'__DATE__="Jan 01 1970"' -D'__TIME__="00:00:00"' \
    -DNDEBUG -DMI_MALLOC_OVERRIDE -DMI_LIBC_MUSL=1 -DMI_SECURE=0 -DMI_DEFAULT_ALLOW_THP=0 \
    -ftls-model=local-dynamic -I"$src/include" -c "$src/src/static.c" -o "$PREFIX/lib/mimalloc.o"
}
