#!/usr/bin/env bash
# packaging/static/fetch.sh — brings every source in sources.lock into the
# cache and unpacks it into $CACHE/src/<name>-<version>/, checking each
# file's sha256 against the lock. Crates come through cargo (a private
# CARGO_HOME in the cache); Debian source packages through apt-get source
# with a private sources list holding deb-src twins of the system's Debian
# entries (the system's apt configuration is not touched), unpacked with their Debian patches by
# dpkg-source. Idempotent: an unpacked, verified source is left alone.
. "$(dirname "$0")/env.sh"
lock=$STATIC_DIR/sources.lock
mkdir -p "$DL_DIR" "$SRC_DIR"

check_sha() { # FILE SHA256
  local got; got=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$got" = "$2" ] || die "sha256 mismatch for $(basename "$1"): got $got, sources.lock pins $2"
}

fetch_crate() { # NAME@VER FILE SHA
  local spec=$1 file=$2 sha=$3 found
  if [ ! -f "$DL_DIR/$file" ]; then
    # cargo info downloads exactly this .crate (no dependency graph) into
    # CARGO_HOME's registry cache.
    CARGO_HOME=$CACHE/cargo cargo info -q "$spec" >/dev/null 2>"$DL_DIR/cargo.err" ||
      { cat "$DL_DIR/cargo.err" >&2; die "cargo could not fetch $spec"; }
    found=$(ls "$CACHE"/cargo/registry/cache/*/"$file" 2>/dev/null | head -1)
    [ -n "$found" ] || die "cargo fetched $spec but $file is not in its cache"
    cp "$found" "$DL_DIR/$file.tmp" && mv "$DL_DIR/$file.tmp" "$DL_DIR/$file"
  fi
  check_sha "$DL_DIR/$file" "$sha"
}

apt_dir=$CACHE/apt
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
apt_ready=0
apt_index() {
  [ "$apt_ready" = 1 ] && return
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  # The system's own Debian entries (the archive keyring's), as deb-src.
  {
    grep -hE '^deb [^#]*debian' /etc/apt/sources.list 2>/dev/null | sed 's/^deb /deb-src /' || true
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] && grep -q 'debian-archive-keyring' "$f" && python3 - "$f" <<'PY'
import sys
for stanza in open(sys.argv[1]).read().split("\n\n"):
    kv = {}
    for line in stanza.splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            kv[k.strip()] = v.strip()
    if "deb" in kv.get("Types", "").split():
        for uri in kv.get("URIs", "").split():
            for suite in kv.get("Suites", "").split():
                print("deb-src", uri, suite, kv.get("Components", "main"))
PY
    done
  } | sort -u >"$apt_dir/sources.list"
  [ -s "$apt_dir/sources.list" ] || die "no Debian entry in the system's apt sources to derive deb-src from"
  apt-get "${apt_opts[@]}" -qq update >/dev/null || die "apt-get update of the deb-src index failed"
  apt_ready=1
}

fetch_deb() { # SRC=VER DSC SHA
  local spec=$1 dsc=$2 sha=$3 pkg=${1%%=*} ver=${1#*=} now f fsha
  if [ ! -f "$DL_DIR/$dsc" ]; then
    apt_index
    now=$(apt-cache "${apt_opts[@]}" showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -1)
    [ -n "$now" ] || die "Debian serves no source package '$pkg'"
    if ! apt-cache "${apt_opts[@]}" showsrc "$pkg" | grep -qx "Version: $ver"; then
      die "Debian no longer serves $pkg $ver; it now serves $now. Review it and pin it (version and .dsc sha256) in packaging/static/sources.lock"
    fi
    (cd "$DL_DIR" && apt-get "${apt_opts[@]}" -qq source --download-only "$pkg=$ver" >/dev/null) ||
      die "apt-get source $pkg=$ver failed"
  fi
  check_sha "$DL_DIR/$dsc" "$sha"
  # Every file the (pinned) .dsc lists, by the .dsc's own sha256.
  while read -r fsha _ f; do
    check_sha "$DL_DIR/$f" "$fsha"
  done < <(sed -n '/^Checksums-Sha256:/,/^[A-Z]/p' "$DL_DIR/$dsc" | grep '^ ')
}

while IFS=$'\t' read -r name version origin file sha _; do
  case "$name" in ''|'#'*) continue ;; esac
  dest=$SRC_DIR/$name-$version
  # The stamp covers the pinned file and the local patches applied to it.
  stamp=$( (echo "$sha"; cat "$STATIC_DIR"/patches/"$name"-*.patch 2>/dev/null || true) | sha256sum | cut -c1-16)
  [ -f "$dest/.verified" ] && [ "$(cat "$dest/.verified")" = "$stamp" ] && continue
  case "$origin" in
    crate:*) fetch_crate "${origin#crate:}" "$file" "$sha" ;;
    deb:*) fetch_deb "${origin#deb:}" "$file" "$sha" ;;
    *) die "unknown origin $origin in sources.lock" ;;
  esac
  rm -rf "$dest" "$dest.tmp"
  case "$origin" in
    crate:*) mkdir -p "$dest.tmp" && tar -xzf "$DL_DIR/$file" -C "$dest.tmp" --strip-components=1 ;;
    deb:*) dpkg-source --no-check -q -x "$DL_DIR/$file" "$dest.tmp" >/dev/null ;;
  esac
  # Local patches (patches/NAME-*.patch, paths relative to the unpacked tree).
  for p in "$STATIC_DIR"/patches/"$name"-*.patch; do
    [ -f "$p" ] || continue
    patch -s -p1 -d "$dest.tmp" <"$p" || die "patch $(basename "$p") does not apply to $name $version"
  done
  rm -f "$SRC_DIR"/*.orig.tar.* "$SRC_DIR"/*.debian.tar.* "$SRC_DIR"/*.dsc
  echo "$stamp" >"$dest.tmp/.verified"
  mv "$dest.tmp" "$dest"
  echo "fetch: $name $version ($origin)"
done <"$lock"
