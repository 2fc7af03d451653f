"""The shim: lazy spawn once per client, crash recovery, the IDL handshake,
the binary resolver, configuration and lifetime."""
from __future__ import annotations

import asyncio
import builtins
import os
import platform
import signal
import sys
import time
from pathlib import Path

import pytest

import cmdop
from cmdop import _binary, _core, _gen
from conftest import CORE, Relay

ALPHA = "20000000-0000-4000-8000-000000000001"
F1 = "10000000-0000-4000-8000-000000000001"


def _pid(c: cmdop.Client) -> int:
    assert c._conn.proc is not None
    return c._conn.proc.proc.pid


async def test_spawned_lazily_once(client: cmdop.Client) -> None:
    assert client._conn.proc is None  # constructing and namespaces spawn nothing
    assert client.machines is client.machines and client.fleets.members is client.fleets.members
    assert client._conn.proc is None
    await asyncio.gather(*(client.machines.get(ALPHA) for _ in range(20)))
    pid = _pid(client)
    await client.fleets.list()
    assert _pid(client) == pid


async def test_kill_mid_call_rejects_pending_and_respawns(client: cmdop.Client,
                                                           relay: Relay) -> None:
    await client.machines.list()
    pid = _pid(client)
    relay.control("/ask", {"stall_ms": 30000, "streams": 3})
    tasks = [asyncio.ensure_future(client.machines.ask(ALPHA, f"s{i}").collect())
             for i in range(3)]
    deadline = time.monotonic() + 10
    while relay.control("/streams")["active"] < 3 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    relay.control("/fail", {"count": 1000, "status": 503, "retry_after": "5"})
    tasks += [asyncio.ensure_future(client.machines.get(ALPHA)) for _ in range(10)]
    await asyncio.sleep(1.0)  # unary calls wait in the core's retry backoff, streams stall
    assert not any(t.done() for t in tasks)
    t0 = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 5)
    assert time.monotonic() - t0 < 3
    assert all(type(r) is cmdop.ConnectionError for r in results), results
    assert all(isinstance(r, builtins.ConnectionError) for r in results)
    assert "cmdop-core exited" in str(results[0])
    relay.control("/reset", {"state": True})
    assert (await client.machines.get(ALPHA)).summary.name == "alpha"
    assert _pid(client) != pid


async def test_idl_hash_mismatch_is_refused(relay: Relay,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_core, "IDL_HASH", "0" * 64)
    c = relay.client()
    with pytest.raises(cmdop.CmdopError) as info:
        await c.machines.list()
    msg = str(info.value)
    assert "0" * 64 in msg and _gen.IDL_HASH in msg and info.value.code == "idl_mismatch"
    assert c._conn.proc is None
    await c.aclose()


async def test_missing_token_fails_per_op(relay: Relay, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CMDOP_TOKEN", "CMDOP_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    c = cmdop.Client(base_url=relay.url, api_key=relay.api_key,
                     api_base_url=relay.platform_url)  # platform-only: no relay token
    try:
        assert c.config.token is None
        # the relay token falls back to CMDOP_API_KEY in the core, which is the platform key:
        # the relay refuses it (auth), and the platform plane works
        with pytest.raises(cmdop.AuthError):
            await c.machines.list()
        assert (await c.skills.list()).count == 12
    finally:
        await c.aclose()
    c = cmdop.Client(base_url=relay.url, api_base_url=relay.platform_url)
    try:
        with pytest.raises(cmdop.AuthError) as info:
            await c.skills.my()
        assert info.value.status is None  # missing credential, caught before any request
    finally:
        await c.aclose()


async def test_fleet_id_resolution(relay: Relay, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CMDOP_FLEET_ID", raising=False)
    c = relay.client()
    with pytest.raises(ValueError, match="fleet_id"):
        await c.keys.list()
    assert (await c.keys.list(F1)).total == 1
    await c.aclose()
    monkeypatch.setenv("CMDOP_FLEET_ID", F1)
    c = relay.client()
    assert c.fleet_id == F1 and (await c.keys.list()).total == 1
    await c.aclose()


def test_config_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMDOP_TOKEN", "")
    monkeypatch.setenv("CMDOP_API_KEY", "k-env")
    monkeypatch.setenv("CMDOP_BASE_URL", "http://relay.example/")
    monkeypatch.setenv("CMDOP_TIMEOUT_MS", "1234")
    monkeypatch.delenv("CMDOP_API_BASE_URL", raising=False)
    c = cmdop.Client.from_env()
    assert c.config.token == "k-env" and c.config.api_key == "k-env"
    assert c.base_url == "http://relay.example" and c.config.api_base_url == "https://api.cmdop.com"
    assert c.config.timeout_ms == 1234
    c = cmdop.Client("explicit", base_url="http://x/", timeout_ms=5)
    assert c.config.token == "explicit" and c.base_url == "http://x" and c.config.timeout_ms == 5
    with pytest.raises(AttributeError):
        c.config.token = "no"  # type: ignore[misc]


async def test_aclose_is_idempotent_and_final(client: cmdop.Client) -> None:
    await client.machines.get(ALPHA)
    proc = client._conn.proc
    assert proc is not None
    await client.aclose()
    await client.aclose()
    assert proc.proc.returncode == 0  # EOF on stdin: the core drained and exited cleanly
    with pytest.raises(cmdop.ConnectionError, match="client closed"):
        await client.machines.get(ALPHA)


async def test_async_with(relay: Relay) -> None:
    async with relay.client() as c:
        assert (await c.machines.get(ALPHA)).summary.name == "alpha"
        proc = c._conn.proc
    assert proc is not None and proc.proc.returncode == 0


def test_error_classes() -> None:
    assert not issubclass(cmdop.PermissionError, PermissionError)
    assert issubclass(cmdop.ConnectionError, ConnectionError)  # the builtins, by kind
    assert issubclass(cmdop.TimeoutError, TimeoutError)
    assert issubclass(cmdop.TimeoutError, cmdop.ConnectionError)
    assert cmdop.TimeoutError().retryable and not cmdop.ServerError().retryable
    assert issubclass(cmdop.PinDeniedError, cmdop.PermissionError)
    assert issubclass(cmdop.PinTimeoutError, cmdop.PermissionError)
    e = cmdop.AgentStreamError("machine_offline", "gone")
    assert e.code == "machine_offline" and e.message == "gone"
    assert cmdop.RateLimitError("x", retry_after=2.0).retry_after == 2.0


# ---- the packaged binary (the resolver itself: test_binary.py) ----
def _host() -> str:
    plat = {"linux": "linux", "darwin": "darwin", "win32": "win32"}[sys.platform]
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}[
        platform.machine().lower()]
    return f"{plat}-{arch}"


async def test_packaged_binary_is_spawned(relay: Relay, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.delenv("CMDOP_CORE_BINARY", raising=False)
    (tmp_path / "_bin").mkdir()
    os.symlink(os.path.abspath(CORE), tmp_path / "_bin" / f"cmdop-core-{_host()}")
    monkeypatch.setattr(_binary, "__file__", str(tmp_path / "_binary.py"))
    async with relay.client() as c:
        assert (await c.machines.get(ALPHA)).summary.name == "alpha"


async def test_no_binary_error_at_first_call(relay: Relay,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    c = relay.client(binary_path="/nonexistent/cmdop-core")
    with pytest.raises(FileNotFoundError):
        await c.machines.list()
    await c.aclose()


async def test_cancelled_unary_call_sends_cancel(client: cmdop.Client, relay: Relay) -> None:
    """asyncio cancellation of a pending call cancels it in the core (CANCEL by id); the
    core's late `cancelled` answer is dropped and the client keeps working."""
    await client.machines.list()
    relay.control("/fail", {"count": 1000, "status": 503, "retry_after": "1"})
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(client.machines.get(ALPHA), 0.3)
    assert client._conn.proc is not None and client._conn.proc.sinks == {}
    relay.control("/reset", {"state": True})
    assert (await client.machines.get(ALPHA)).summary.name == "alpha"
