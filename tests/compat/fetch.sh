#!/usr/bin/env bash
# Fetches the official cmdop 1.1.1 wheel and its pinned protobuf wheel by exact
# version and sha256 into a cache OUTSIDE the clone, verifies both hashes, and
# builds a venv there from the verified wheels only (--no-index --no-deps).
# Idempotent: a cached wheel with the right hash is not downloaded again, and a
# venv whose stamp names the same two hashes is reused.
# Prints the venv's python path on stdout (everything else goes to stderr).
#   CMDOP_COMPAT_CACHE  cache dir (default ~/.cache/cmdop-compat; inside the clone
#                       only under build/, which git ignores)
#   CMDOP_COMPAT_PYTHON interpreter for the venv (default python3; needs >= 3.10)
set -euo pipefail

CMDOP_VERSION=1.1.1
CMDOP_WHEEL=cmdop-1.1.1-py3-none-any.whl
CMDOP_SHA256=9ff2c72c78b611220a8d2a5b0521eda17f2fdff3801e1caef87f24000d0959dc
# protobuf is per-platform; only the linux x86_64 wheel is pinned.
PROTOBUF_VERSION=7.35.1
PROTOBUF_WHEEL=protobuf-7.35.1-cp310-abi3-manylinux2014_x86_64.whl
PROTOBUF_SHA256=74758715c53d7158fb76caf4f0cfdacc5329a4b1bb994f865d6cf302d413a1c4

cache=${CMDOP_COMPAT_CACHE:-$HOME/.cache/cmdop-compat}
py=${CMDOP_COMPAT_PYTHON:-python3}
log() { echo "compat-fetch: $*" >&2; }
die() { echo "compat-fetch: ERROR: $*" >&2; exit 1; }

if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
  die "only linux x86_64 is pinned (protobuf $PROTOBUF_WHEEL, the official core cmdop-core-linux-x64); this host is $(uname -s) $(uname -m)"
fi
repo=$(cd "$(dirname "$0")/../.." && pwd -P)
cache=$(realpath -m "$cache")
case "$cache" in
  "$repo"/build/*) ;;  # build/ is ignored by git
  "$repo"|"$repo"/*) die "CMDOP_COMPAT_CACHE=$cache is inside the clone (outside build/); downloads must never be committed" ;;
esac
"$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || die "$py is older than 3.10 (the pinned protobuf wheel is cp310-abi3)"

mkdir -p "$cache/wheels"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# fetch NAME VERSION WHEEL SHA256 [pip platform options...]
fetch() {
  local name=$1 version=$2 wheel=$3 sha=$4; shift 4
  local dest="$cache/wheels/$wheel"
  if [ -f "$dest" ] && [ "$(sha_of "$dest")" = "$sha" ]; then
    return 0
  fi
  rm -f "$dest"
  local tmp; tmp=$(mktemp -d "$cache/dl.XXXXXX")
  log "downloading $name==$version"
  # --require-hashes makes pip itself refuse a wheel with another hash.
  printf '%s==%s --hash=sha256:%s\n' "$name" "$version" "$sha" > "$tmp/req.txt"
  if ! "$py" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
      --require-hashes -r "$tmp/req.txt" -d "$tmp" "$@" >&2; then
    rm -rf "$tmp"; die "pip download $name==$version failed"
  fi
  [ -f "$tmp/$wheel" ] || { ls "$tmp" >&2; rm -rf "$tmp"; die "pip did not produce $wheel"; }
  local got; got=$(sha_of "$tmp/$wheel")
  if [ "$got" != "$sha" ]; then
    rm -rf "$tmp"; die "$wheel: sha256 $got, pinned $sha"
  fi
  mv "$tmp/$wheel" "$dest"
  rm -rf "$tmp"
}

fetch cmdop "$CMDOP_VERSION" "$CMDOP_WHEEL" "$CMDOP_SHA256"
fetch protobuf "$PROTOBUF_VERSION" "$PROTOBUF_WHEEL" "$PROTOBUF_SHA256" \
  --platform manylinux2014_x86_64 --implementation cp --python-version 3.10 --abi abi3

# Verify again right before installing (the cache could have been edited).
for pair in "$CMDOP_WHEEL:$CMDOP_SHA256" "$PROTOBUF_WHEEL:$PROTOBUF_SHA256"; do
  w=${pair%%:*}; s=${pair#*:}
  [ "$(sha_of "$cache/wheels/$w")" = "$s" ] || die "$w in the cache does not match its pinned sha256"
done

venv="$cache/venv-compat-$CMDOP_VERSION"
stamp_want="cmdop $CMDOP_SHA256 protobuf $PROTOBUF_SHA256 python $("$py" -c 'import sys; print(sys.version.split()[0])')"
if [ -x "$venv/bin/python" ] && [ -f "$venv/.compat-stamp" ] && [ "$(cat "$venv/.compat-stamp")" = "$stamp_want" ]; then
  echo "$venv/bin/python"
  exit 0
fi
log "building $venv from the verified wheels"
rm -rf "$venv"
"$py" -m venv "$venv" >&2
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-index --no-deps \
  "$cache/wheels/$CMDOP_WHEEL" "$cache/wheels/$PROTOBUF_WHEEL" >&2
"$venv/bin/python" - <<'PY' >&2 || die "the venv's cmdop is not the official 1.1.1 release"
import cmdop, google.protobuf, os
assert cmdop.__version__ == "1.1.1", cmdop.__version__
assert google.protobuf.__version__ == "7.35.1", google.protobuf.__version__
core = os.path.join(os.path.dirname(cmdop.__file__), "_bin", "cmdop-core-linux-x64")
assert os.path.exists(core), core
PY
echo "$stamp_want" > "$venv/.compat-stamp"
echo "$venv/bin/python"
