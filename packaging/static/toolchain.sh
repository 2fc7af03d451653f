#!/usr/bin/env bash
# packaging/static/toolchain.sh — installs the pinned Zig (requirements.txt,
# hash-checked) into $CACHE/venv and writes one compiler wrapper per target
# into $CACHE/toolchain/bin: <target>-cc, plus <target>-ar and <target>-ranlib
# (zig's). Build systems (CMake, OpenSSL's Configure, autoconf, make) take a
# single-word compiler better than "zig cc -target ...". Idempotent.
. "$(dirname "$0")/env.sh"
req=$STATIC_DIR/requirements.txt
if ! cmp -s "$req" "$VENV_DIR/.req-stamp" 2>/dev/null; then
  rm -rf "$VENV_DIR"
  python3 -m venv "$VENV_DIR"
  "$VENV_DIR/bin/pip" install -q --disable-pip-version-check --require-hashes -r "$req"
  cp "$req" "$VENV_DIR/.req-stamp"
fi
zig=$("$VENV_DIR/bin/python" -c 'import ziglang, os; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')
[ -x "$zig" ] || die "no zig binary in the ziglang package ($zig)"
mkdir -p "$TC_BIN"
for t in $ALL_TARGETS; do
  triple=$(zig_triple "$t")
  # -Wno-unused-command-line-argument: build systems pass flags zig's clang
  # ignores for a target (e.g. -pthread on Windows).
  printf '#!/bin/sh\nexec "%s" cc -target %s -Wno-unused-command-line-argument "$@"\n' "$zig" "$triple" >"$TC_BIN/$t-cc.tmp"
  printf '#!/bin/sh\nexec "%s" ar "$@"\n' "$zig" >"$TC_BIN/$t-ar.tmp"
  printf '#!/bin/sh\nexec "%s" ranlib "$@"\n' "$zig" >"$TC_BIN/$t-ranlib.tmp"
  for w in cc ar ranlib; do chmod +x "$TC_BIN/$t-$w.tmp"; mv "$TC_BIN/$t-$w.tmp" "$TC_BIN/$t-$w"; done
done
printf '#!/bin/sh\nexec "%s" "$@"\n' "$zig" >"$TC_BIN/zig.tmp" && chmod +x "$TC_BIN/zig.tmp" && mv "$TC_BIN/zig.tmp" "$TC_BIN/zig"
