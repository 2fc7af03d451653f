"""packaging/sbom.py STAGE_DIR SOURCES_LOCK TARGET... — an SPDX 2.3 JSON
document (stdout) for the staged cores: one package per cmdop-core binary (its
sha256), one per third-party component built into it (version, license, the
sha256 of the pinned source file, a package URL), and a STATIC_LINK
relationship from each core to each component it contains. Called by
packaging/notices.sh."""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ZIG = "0.15.2"  # packaging/static/requirements.txt


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def purl(origin: str) -> str:
    kind, spec = origin.split(":", 1)
    name, _, ver = spec.replace("@", "=").partition("=")
    if kind == "crate":
        return f"pkg:cargo/{name}@{ver.replace('+', '%2B')}"
    return f"pkg:deb/debian/{name}@{ver}?arch=source&distro=bookworm"


def main() -> None:
    stage, lock, targets = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    version = re.search(r'#define CMDOP_VERSION "([^"]+)"',
                        (ROOT / "runtime/include/cmdop/version.h").read_text()).group(1)  # type: ignore[union-attr]
    comps: list[dict[str, Any]] = []
    for line in lock.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        name, ver, origin, file, digest, lic = line.split("\t")[:6]
        only = ["linux"] if name == "mimalloc" else None
        comps.append({"name": name, "version": ver, "license": lic, "sha": digest, "file": file,
                      "purl": purl(origin), "os": only, "supplier": "NOASSERTION"})
    comps.append({"name": "musl", "version": "1.2.5", "license": "MIT", "os": ["linux"],
                  "purl": f"pkg:pypi/ziglang@{ZIG}", "note": "bundled in ziglang"})
    comps.append({"name": "mingw-w64", "version": "13.0", "license": "ZPL-2.1", "os": ["win32"],
                  "purl": f"pkg:pypi/ziglang@{ZIG}", "note": "bundled in ziglang"})
    comps.append({"name": "zig-compiler-rt", "version": ZIG, "license": "MIT", "os": None,
                  "purl": f"pkg:pypi/ziglang@{ZIG}", "note": "bundled in ziglang"})

    packages: list[dict[str, Any]] = []
    rels: list[dict[str, str]] = []
    used: set[str] = set()
    for t in targets:
        exe = f"cmdop-core-{t}" + (".exe" if t.startswith("win32") else "")
        core_id = f"SPDXRef-{exe.replace('.', '-')}"
        packages.append({
            "SPDXID": core_id, "name": exe, "versionInfo": version, "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False, "licenseConcluded": "MIT", "licenseDeclared": "MIT",
            "copyrightText": "NOASSERTION", "primaryPackagePurpose": "APPLICATION",
            "checksums": [{"algorithm": "SHA256", "checksumValue": sha256(stage / exe)}]})
        rels.append({"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                     "relatedSpdxElement": core_id})
        for c in comps:
            if c["os"] is None or t.split("-")[0] in c["os"]:
                used.add(c["name"])
                rels.append({"spdxElementId": core_id, "relationshipType": "STATIC_LINK",
                             "relatedSpdxElement": f"SPDXRef-{c['name']}"})
    for c in comps:
        if c["name"] not in used:
            continue
        p: dict[str, Any] = {
            "SPDXID": f"SPDXRef-{c['name']}", "name": c["name"], "versionInfo": c["version"],
            "downloadLocation": "NOASSERTION", "filesAnalyzed": False,
            "licenseConcluded": c["license"], "licenseDeclared": c["license"],
            "copyrightText": "NOASSERTION", "primaryPackagePurpose": "LIBRARY",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                              "referenceLocator": c["purl"]}]}
        if "sha" in c:
            p["sourceInfo"] = f"built from {c['file']} (sha256 {c['sha']}), packaging/static/sources.lock"
        else:
            p["sourceInfo"] = c["note"]
        packages.append(p)
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or int(datetime.datetime.now().timestamp())
    created = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps([packages, rels], sort_keys=True).encode()
    doc = {
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"cmdop-core-{version}",
        "documentNamespace": f"https://spdx.org/spdxdocs/cmdop-core-{version}-{hashlib.sha256(body).hexdigest()[:32]}",
        "creationInfo": {"created": created, "creators": ["Tool: cmdop packaging/sbom.py"]},
        "packages": packages, "relationships": rels}
    json.dump(doc, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
