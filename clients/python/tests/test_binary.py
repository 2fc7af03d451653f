"""The core binary resolver (cmdop/_binary.py) for every os/arch pair cmdop ships,
pairs it does not, and the explicit/environment overrides. No core is run."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from cmdop import _binary
from conftest import CORE

# (sys.platform, platform.machine()) -> the packaged name, for every way the
# interpreters spell the five shipped platforms.
SHIPPED = {
    ("linux", "x86_64"): "cmdop-core-linux-x64",
    ("linux", "aarch64"): "cmdop-core-linux-arm64",
    ("linux", "arm64"): "cmdop-core-linux-arm64",
    ("darwin", "x86_64"): "cmdop-core-darwin-x64",
    ("darwin", "arm64"): "cmdop-core-darwin-arm64",
    ("win32", "AMD64"): "cmdop-core-win32-x64.exe",
    ("win32", "x86_64"): "cmdop-core-win32-x64.exe",
}
UNSUPPORTED = [("linux", "armv7l"), ("linux", "i686"), ("linux", "riscv64"), ("linux", "s390x"),
               ("linux", "ppc64le"), ("darwin", "i386"), ("win32", "ARM64"), ("win32", "x86"),
               ("freebsd14", "amd64"), ("cygwin", "x86_64"), ("aix", "powerpc"),
               ("emscripten", "wasm32")]


def _full_bindir(tmp_path: Path) -> Path:
    d = tmp_path / "_bin"
    d.mkdir()
    for name in SHIPPED.values():
        (d / name).write_text("#!/bin/sh\n")
    return d


@pytest.mark.parametrize("plat,machine", sorted(SHIPPED))
def test_every_shipped_pair(plat: str, machine: str, tmp_path: Path) -> None:
    d = _full_bindir(tmp_path)
    got = _binary.resolve_binary(env={}, sys_platform=plat, machine=machine, bindir=d)
    assert got == str(d / SHIPPED[plat, machine])
    assert _binary.binary_name(plat, machine) == SHIPPED[plat, machine]


@pytest.mark.parametrize("plat,machine", UNSUPPORTED)
def test_unsupported_pair_names_the_platform(plat: str, machine: str, tmp_path: Path) -> None:
    d = _full_bindir(tmp_path)
    assert _binary.binary_name(plat, machine) is None
    with pytest.raises(FileNotFoundError) as info:
        _binary.resolve_binary(env={}, sys_platform=plat, machine=machine, bindir=d)
    msg = str(info.value)
    assert f"({plat}-{machine}," in msg
    assert "carries: darwin-arm64, darwin-x64, linux-arm64, linux-x64, win32-x64" in msg
    assert "CMDOP_CORE_BINARY" in msg


def test_shipped_pair_missing_from_a_host_only_package(tmp_path: Path) -> None:
    d = tmp_path / "_bin"
    d.mkdir()
    (d / "cmdop-core-linux-x64").write_text("")
    with pytest.raises(FileNotFoundError) as info:
        _binary.resolve_binary(env={}, sys_platform="darwin", machine="arm64", bindir=d)
    assert "(darwin-arm64, looked for cmdop-core-darwin-arm64)" in str(info.value)
    assert "carries: linux-x64." in str(info.value)


def test_no_bin_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="carries: none"):
        _binary.resolve_binary(env={}, sys_platform="linux", machine="x86_64",
                               bindir=tmp_path / "absent")


def test_explicit_and_env_win(tmp_path: Path) -> None:
    d = _full_bindir(tmp_path)

    def resolve(explicit: str | None, env: dict[str, str]) -> str:
        return _binary.resolve_binary(explicit, env=env, sys_platform="linux",
                                      machine="x86_64", bindir=d)
    assert resolve(None, {"CMDOP_CORE_BINARY": CORE}) == CORE
    assert resolve("/bin/true", {"CMDOP_CORE_BINARY": CORE}) == "/bin/true"
    assert resolve(None, {}) == str(d / "cmdop-core-linux-x64")
    with pytest.raises(FileNotFoundError, match="binary_path="):
        resolve(str(tmp_path / "nope"), {})
    with pytest.raises(FileNotFoundError, match="CMDOP_CORE_BINARY="):
        resolve(None, {"CMDOP_CORE_BINARY": str(tmp_path / "missing")})


def test_packaged_binary_made_executable(tmp_path: Path) -> None:
    d = _full_bindir(tmp_path)
    core = d / "cmdop-core-linux-arm64"
    core.chmod(0o644)
    assert _binary.resolve_binary(env={}, sys_platform="linux", machine="aarch64",
                                  bindir=d) == str(core)
    assert core.stat().st_mode & stat.S_IXUSR  # wheels may drop the x bits


def test_host_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No keyword arguments: the host's platform, os.environ and the package's _bin/."""
    monkeypatch.setenv("CMDOP_CORE_BINARY", CORE)
    assert _binary.resolve_binary() == CORE
    monkeypatch.delenv("CMDOP_CORE_BINARY")
    monkeypatch.setattr(_binary, "__file__", str(tmp_path / "_binary.py"))
    with pytest.raises(FileNotFoundError, match="carries: none"):
        _binary.resolve_binary()
