# packaging/elf-lib.sh — sourced helpers shared by the bundle, stage and test
# scripts: which shared objects belong to glibc itself (never bundled: they
# must come from the host, like auditwheel's policy), the library search
# directories per target, and NEEDED / minimum-glibc readers (readelf/objdump
# read any architecture's ELF, so the same code serves x64 and arm64).

# glibc's own objects: the C library, its split-off parts and the loader.
is_glibc_object() {
  case "$1" in
    libc.so.6|libm.so.6|libpthread.so.0|libdl.so.2|librt.so.1|libresolv.so.2|\
    libutil.so.1|libanl.so.1|libmvec.so.1|libBrokenLocale.so.1|libnsl.so.1|\
    libthread_db.so.1|libnss_*.so.2|libc_malloc_debug.so.0|ld-linux-*.so.*|ld-linux.so.*)
      return 0 ;;
  esac
  return 1
}

# Where Debian puts a target's shared libraries (multiarch).
lib_dirs_for() {
  case "$1" in
    linux-x64) echo "/usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu" ;;
    linux-arm64) echo "/usr/lib/aarch64-linux-gnu /lib/aarch64-linux-gnu /usr/aarch64-linux-gnu/lib" ;;
    *) echo "elf-lib: unknown target $1" >&2; return 1 ;;
  esac
}

# The sonames an ELF file lists as DT_NEEDED, one a line.
elf_needed() {
  readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

# The RUNPATH (or RPATH) of an ELF file, empty when it has none.
elf_runpath() {
  readelf -d "$1" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p' | head -1
}

# The highest GLIBC_x.y version any of the given files requires, from their
# version references (objdump -p "required from libc.so.6: ... GLIBC_2.34").
glibc_min() {
  local f
  for f in "$@"; do objdump -p "$f"; done |
    grep -oE 'GLIBC_[0-9]+\.[0-9]+(\.[0-9]+)?' | sed 's/^GLIBC_//' | sort -uV | tail -1
}
