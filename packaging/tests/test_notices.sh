#!/usr/bin/env bash
# What ships beside the cores (packaging/notices.sh): SHA256SUMS matches every
# file; the notices name every pinned component with its version, license and
# license text; the SBOM (SPDX 2.3) lists each core with its real sha256 and a
# STATIC_LINK to each pinned component; libmicrohttpd's complete source is
# there and matches the pinned .dsc.
. "$(dirname "$0")/lib.sh"
check_bin_dir "$STAGE"
notices=$STAGE/licenses/THIRD_PARTY_NOTICES.txt
while IFS=$'\t' read -r name version _ file sha license _; do
  case "$name" in ''|'#'*) continue ;; esac
  [ "$name" = mimalloc ] && { case " $PLATFORMS " in *" linux-"*) ;; *) continue ;; esac; }
  grep -q "^$name $version — $license" "$notices" || fail "notices lack '$name $version — $license'"
done <"$ROOT/packaging/static/sources.lock"
grep -q "GNU LESSER GENERAL PUBLIC LICENSE" "$notices" || fail "notices lack the LGPL text (libmicrohttpd)"
grep -q "Apache License" "$notices" || fail "notices lack the Apache license text (OpenSSL)"

python3 - "$STAGE" "$ROOT/packaging/static/sources.lock" $PLATFORMS <<'PY' || fail "SBOM check failed"
import hashlib, json, sys
stage, lock, targets = sys.argv[1], sys.argv[2], sys.argv[3:]
doc = json.load(open(f"{stage}/sbom.spdx.json"))
assert doc["spdxVersion"] == "SPDX-2.3", doc["spdxVersion"]
pk = {p["SPDXID"]: p for p in doc["packages"]}
links = {(r["spdxElementId"], r["relatedSpdxElement"]) for r in doc["relationships"]
         if r["relationshipType"] == "STATIC_LINK"}
pinned = [l.split("\t") for l in open(lock).read().splitlines() if l and not l.startswith("#")]
for t in targets:
    exe = f"cmdop-core-{t}" + (".exe" if t.startswith("win32") else "")
    core = pk[f"SPDXRef-{exe.replace('.', '-')}"]
    sha = hashlib.sha256(open(f"{stage}/{exe}", "rb").read()).hexdigest()
    assert core["checksums"][0]["checksumValue"] == sha, f"{exe}: SBOM sha256 is not the file's"
    for name, version, *_ in pinned:
        if name == "mimalloc" and not t.startswith("linux"):
            continue
        assert pk[f"SPDXRef-{name}"]["versionInfo"] == version, name
        assert (core["SPDXID"], f"SPDXRef-{name}") in links, f"{exe} has no STATIC_LINK to {name}"
print(f"sbom: {len(doc['packages'])} packages, {len(links)} static links")
PY

src=$STAGE/licenses/libmicrohttpd-source
dsc=$(awk -F'\t' '$1 == "libmicrohttpd" { print $4 }' "$ROOT/packaging/static/sources.lock")
dsc_sha=$(awk -F'\t' '$1 == "libmicrohttpd" { print $5 }' "$ROOT/packaging/static/sources.lock")
[ "$(sha256sum <"$src/$dsc" | cut -d' ' -f1)" = "$dsc_sha" ] || fail "shipped $dsc is not the pinned one"
sed -n '/^Checksums-Sha256:/,/^[A-Z]/p' "$src/$dsc" | grep '^ ' | while read -r sha _ f; do
  [ "$(sha256sum <"$src/$f" | cut -d' ' -f1)" = "$sha" ] || fail "shipped $f does not match $dsc"
done
