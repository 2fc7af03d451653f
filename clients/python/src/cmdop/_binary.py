"""Finding the cmdop-core binary: an explicit path, else $CMDOP_CORE_BINARY, else the
one this package carries for the host, cmdop/_bin/cmdop-core-<os>-<arch>[.exe]
(docs/packaging.md). The same rules as the Node client's src/binary.ts."""
from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # os.path at run time: pathlib and platform cost `import cmdop` ~4 ms
    from pathlib import Path

# sys.platform -> <os>; platform.machine() (lower-cased) -> <arch>.
OSES = {"linux": "linux", "darwin": "darwin", "win32": "win32"}
ARCHS = {"x86_64": "x64", "amd64": "x64", "x64": "x64", "arm64": "arm64", "aarch64": "arm64"}
# What a full release carries (make dist); a host-only build carries fewer.
RELEASED = ("linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64")


def binary_name(sys_platform: str, machine: str) -> str | None:
    """cmdop-core-<os>-<arch>[.exe] for a sys.platform and platform.machine(), or None
    when cmdop has no core for that pair."""
    os_, arch = OSES.get(sys_platform), ARCHS.get(machine.lower())
    if os_ is None or arch is None or f"{os_}-{arch}" not in RELEASED:
        return None
    return f"cmdop-core-{os_}-{arch}" + (".exe" if os_ == "win32" else "")


def _machine() -> str:
    """platform.machine(), without importing platform where os.uname() says the same."""
    if hasattr(os, "uname"):
        return os.uname().machine
    import platform
    return platform.machine()


def resolve_binary(explicit: str | None = None, *, env: Mapping[str, str] | None = None,
                   sys_platform: str | None = None, machine: str | None = None,
                   bindir: Path | None = None) -> str:
    """The path of the core to spawn. FileNotFoundError names what was missing: the
    explicit path or CMDOP_CORE_BINARY, or the host platform (with what the package
    carries) when there is no packaged core for it. The keyword arguments replace the
    host's values (tests)."""
    env = os.environ if env is None else env
    for given, what in ((explicit, "binary_path"), (env.get("CMDOP_CORE_BINARY"), "CMDOP_CORE_BINARY")):
        if given:
            if not os.path.isfile(given):
                raise FileNotFoundError(f"cmdop-core binary not found: {what}={given}")
            return given
    plat = sys.platform if sys_platform is None else sys_platform
    mach = _machine() if machine is None else machine
    where = (os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bin") if bindir is None
             else os.fspath(bindir))
    name = binary_name(plat, mach)
    path = os.path.join(where, name) if name else None
    if path is not None and os.path.isfile(path):
        if not name or not name.endswith(".exe"):
            if not os.access(path, os.X_OK):
                with contextlib.suppress(OSError):  # wheels may drop the x bits; read-only: as is
                    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return path
    carried = sorted(f[len("cmdop-core-"):].removesuffix(".exe")
                     for f in os.listdir(where) if f.startswith("cmdop-core-")) \
        if os.path.isdir(where) else []
    why = (f"looked for {name}" if name else
           f"cmdop-core is built for {', '.join(RELEASED)} only")
    raise FileNotFoundError(
        f"no prebuilt cmdop-core binary for this platform ({plat}-{mach}, {why}); "
        f"this package carries: {', '.join(carried) or 'none'}. "
        "Set CMDOP_CORE_BINARY or binary_path.")
