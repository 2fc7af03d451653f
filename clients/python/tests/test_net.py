"""TLS, proxies and safe logs (docs/runtime.md) through the real core:
a local CA (openssl, at test time), a TLS front for the relay, a logging proxy,
a redirector, planted symlinks. Everything on loopback (tests/net/netfront.py)."""
from __future__ import annotations

import builtins
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

import cmdop

from conftest import ROOT, Relay

sys.path.insert(0, os.path.join(ROOT, "tests", "net"))
import netfront  # noqa: E402

M1 = "m-alpha"  # any id: the relay answers 404 or the record


@pytest.fixture(scope="module")
def ca() -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory() as d:
        yield netfront.make_ca(d)


@pytest.fixture
def front(relay: Relay, ca: dict[str, str]) -> Iterator[netfront.TLSFront]:
    port = int(relay.url.rsplit(":", 1)[1].split("/", 1)[0])
    f = netfront.TLSFront(ca["server.pem"], ca["server.key"], port)
    yield f
    f.close()


def https_url(relay: Relay, front: netfront.TLSFront) -> str:
    port = relay.url.rsplit(":", 1)[1].split("/", 1)
    rest = "/" + port[1] if len(port) > 1 else ""
    return f"https://127.0.0.1:{front.port}{rest}"


_NET_VARS = ("SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE", "CMDOP_CA_FILE", "http_proxy",
             "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY", "all_proxy",
             "ALL_PROXY", "REQUEST_METHOD", "CMDOP_LOG", "CMDOP_LOG_FILE", "CMDOP_DEBUG",
             "CMDOP_ALLOW_INSECURE_HTTP")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for k in _NET_VARS:
        monkeypatch.delenv(k, raising=False)


async def list_ok(relay: Relay, base_url: str, **kw: Any) -> None:
    async with relay.client(base_url=base_url, **kw) as c:
        page = await c.machines.list()
        assert page.items


# ---------------------------------------------------------------- TLS

@pytest.mark.parametrize("route", ["SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE",
                                   "ca_file", "CMDOP_CA_FILE"])
async def test_a_private_ca_is_trusted_through_each_route(
        relay: Relay, front: netfront.TLSFront, ca: dict[str, str], route: str,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    kw: dict[str, Any] = {}
    if route == "ca_file":
        kw["ca_file"] = ca["ca.pem"]
    elif route == "SSL_CERT_DIR":
        d = tmp_path / "certs"
        d.mkdir()
        (d / "ca.pem").write_bytes(open(ca["ca.pem"], "rb").read())
        subprocess.run(["openssl", "rehash", str(d)], check=True, capture_output=True)
        monkeypatch.setenv("SSL_CERT_DIR", str(d))
    else:
        monkeypatch.setenv(route, ca["ca.pem"])
    await list_ok(relay, https_url(relay, front), **kw)
    assert front.handshakes >= 1


async def test_an_untrusted_certificate_fails_once_and_is_not_retried(
        relay: Relay, front: netfront.TLSFront) -> None:
    async with relay.client(base_url=https_url(relay, front)) as c:
        with pytest.raises(cmdop.TLSError) as ei:
            await c.machines.list()  # idempotent: would be retried 2 more times
    e = ei.value
    # its own stable code and class, still a ConnectionError (ours and the builtin)
    assert e.code == "tls" and not e.retryable
    assert isinstance(e, cmdop.ConnectionError) and isinstance(e, builtins.ConnectionError)
    assert "certificate" in str(e) and "not retried" in str(e)
    assert front.accepts == 1 and front.handshakes == 0


async def test_an_untrusted_certificate_ends_a_stream_with_the_tls_kind(
        relay: Relay, front: netfront.TLSFront) -> None:
    async with relay.client(base_url=https_url(relay, front)) as c:
        with pytest.raises(cmdop.TLSError) as ei:
            await c.machines.ask("20000000-0000-4000-8000-000000000001", "hi").collect()
    assert isinstance(ei.value, cmdop.AgentStreamError) and ei.value.code == "tls"
    assert front.accepts == 1


async def test_a_server_below_tls_1_2_is_refused(relay: Relay, ca: dict[str, str]) -> None:
    port = int(relay.url.rsplit(":", 1)[1].split("/", 1)[0])
    old = netfront.TLSFront(ca["server.pem"], ca["server.key"], port, legacy=True)
    try:
        async with relay.client(base_url=https_url(relay, old), ca_file=ca["ca.pem"]) as c:
            with pytest.raises(cmdop.ConnectionError) as ei:
                await c.machines.list()
        # trusted certificate, but no TLS 1.0/1.1 handshake ever completes
        assert old.accepts >= 1 and old.handshakes == 0
        assert not isinstance(ei.value, cmdop.TLSError)  # a protocol refusal, not the CA
    finally:
        old.close()


async def test_an_unreadable_ca_file_is_a_validation_error(relay: Relay) -> None:
    async with relay.client(ca_file="/nonexistent/ca.pem") as c:
        with pytest.raises(cmdop.ValidationError) as ei:
            await c.machines.list()
    assert "ca_file" in str(ei.value)


async def test_a_credential_is_not_sent_over_plain_http_to_a_remote_host(
        relay: Relay, monkeypatch: pytest.MonkeyPatch) -> None:
    # 192.0.2.1 is TEST-NET-1: never reached; the refusal comes first
    proxy = netfront.LoggingProxy()
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
    try:
        async with relay.client(base_url="http://192.0.2.1:9/api") as c:
            with pytest.raises(cmdop.ValidationError) as ei:
                await c.machines.list()
        assert "CMDOP_ALLOW_INSECURE_HTTP" in str(ei.value)
        assert proxy.log == []
        # the explicit opt-in lets it go (through the proxy, which cannot reach it)
        monkeypatch.setenv("CMDOP_ALLOW_INSECURE_HTTP", "1")
        async with relay.client(base_url="http://192.0.2.1:9/api", timeout_ms=2000) as c:
            with pytest.raises(cmdop.CmdopError):
                await c.machines.list()
        assert proxy.log and proxy.log[0].startswith("GET http://192.0.2.1:9/api/")
        assert proxy.log[0].endswith("auth=yes")
    finally:
        proxy.close()


async def test_a_redirect_is_not_followed_so_no_credential_leaves(relay: Relay) -> None:
    other = netfront.Recorder()
    # another host: localhost vs 127.0.0.1
    red = netfront.Redirector(f"http://localhost:{other.port}")
    try:
        async with relay.client(base_url=f"http://127.0.0.1:{red.port}/api") as c:
            with pytest.raises(cmdop.CmdopError):
                await c.machines.list()
        assert other.requests == []
    finally:
        red.close()
        other.close()


async def test_a_body_over_the_cap_says_so(relay: Relay) -> None:
    big = netfront.BigBody(65 * 1024 * 1024)
    try:
        async with relay.client(base_url=f"http://127.0.0.1:{big.port}/api") as c:
            with pytest.raises(cmdop.CmdopError) as ei:
                await c.machines.list()
        assert "size cap" in str(ei.value) and "memory" not in str(ei.value)
    finally:
        big.close()


# ------------------------------------------------------------- proxies

@pytest.mark.parametrize("var", ["http_proxy", "HTTP_PROXY", "all_proxy"])
async def test_http_proxy_is_used_in_both_cases(relay: Relay, var: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = netfront.LoggingProxy()
    monkeypatch.setenv(var, f"http://127.0.0.1:{proxy.port}")
    try:
        await list_ok(relay, relay.url)
        assert any(line.startswith("GET http://127.0.0.1:") and "/machines" in line
                   for line in proxy.log), proxy.log
    finally:
        proxy.close()


async def test_uppercase_http_proxy_is_ignored_under_cgi(relay: Relay,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = netfront.LoggingProxy()
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("REQUEST_METHOD", "GET")
    try:
        await list_ok(relay, relay.url)
        assert proxy.log == []
    finally:
        proxy.close()


@pytest.mark.parametrize("var", ["https_proxy", "HTTPS_PROXY"])
async def test_https_proxy_tunnels_in_both_cases(relay: Relay, front: netfront.TLSFront,
                                                 ca: dict[str, str], var: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = netfront.LoggingProxy()
    monkeypatch.setenv(var, f"http://127.0.0.1:{proxy.port}")
    try:
        await list_ok(relay, https_url(relay, front), ca_file=ca["ca.pem"])
        assert proxy.log == [f"CONNECT 127.0.0.1:{front.port}"]
    finally:
        proxy.close()


@pytest.mark.parametrize("var", ["no_proxy", "NO_PROXY"])
async def test_no_proxy_in_both_cases(relay: Relay, var: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = netfront.LoggingProxy()
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv(var, "127.0.0.1")
    try:
        await list_ok(relay, relay.url)
        assert proxy.log == []
    finally:
        proxy.close()


# ----------------------------------------------------------------- logs

SECRET_PW = "pw-s3cret-userinfo"


async def test_log_lines_reach_the_cmdop_logger_without_secrets(
        relay: Relay, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("CMDOP_LOG", "debug")
    caplog.set_level(logging.DEBUG, logger="cmdop")
    base = relay.url.replace("http://", f"http://user:{SECRET_PW}@")
    async with relay.client(base_url=base) as c:
        await c.machines.list()
        with pytest.raises(cmdop.ConnectionError) as ei:
            async with relay.client(base_url=f"http://user:{SECRET_PW}@127.0.0.1:1/api",
                                    timeout_ms=2000) as c2:
                await c2.machines.get(M1)
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "cmdop")
    assert "request: GET http://***@127.0.0.1:" in text and "/machines" in text
    for secret in (SECRET_PW, relay.token, relay.api_key):
        assert secret not in text
        assert secret not in str(ei.value)
    assert any(r.levelno == logging.DEBUG for r in caplog.records if r.name == "cmdop")


async def test_log_file_refuses_a_planted_symlink(relay: Relay, tmp_path: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    link = tmp_path / "cmdop.log"
    link.symlink_to(victim)
    monkeypatch.setenv("CMDOP_LOG", "debug")
    monkeypatch.setenv("CMDOP_LOG_FILE", str(link))
    await list_ok(relay, relay.url)
    assert victim.read_text() == "keep\n"


async def test_log_file_is_private_and_redacted(relay: Relay, tmp_path: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cmdop.log"
    monkeypatch.setenv("CMDOP_LOG", "debug")
    monkeypatch.setenv("CMDOP_LOG_FILE", str(path))
    await list_ok(relay, relay.url.replace("http://", f"http://u:{SECRET_PW}@"))
    assert os.stat(path).st_mode & 0o777 == 0o600
    text = path.read_text()
    assert " DEBUG request: GET " in text
    for secret in (SECRET_PW, relay.token, relay.api_key):
        assert secret not in text


async def test_cmdop_debug_writes_a_private_file_and_says_where(
        relay: Relay, tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cmdop")
    monkeypatch.setenv("CMDOP_DEBUG", "1")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    # the old predictable name, planted: never followed
    victim = tmp_path / "victim"
    victim.write_text("keep\n")
    for pid in range(os.getpid(), os.getpid() + 50):
        (tmp_path / f"cmdop-core-{pid}.log").symlink_to(victim)
    await list_ok(relay, relay.url)
    said = [r.getMessage() for r in caplog.records if "debug log:" in r.getMessage()]
    assert len(said) == 1
    path = said[0].split("debug log: ", 1)[1]
    assert os.stat(os.path.dirname(path)).st_mode & 0o777 == 0o700
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert not os.path.islink(path)
    text = open(path).read()
    assert "request: GET " in text and relay.token not in text
    assert victim.read_text() == "keep\n"


async def test_pins_and_confirm_tokens_never_reach_the_log(relay: Relay, tmp_path: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    alpha, charlie = ("20000000-0000-4000-8000-00000000000" + n for n in "13")
    path = tmp_path / "cmdop.log"
    monkeypatch.setenv("CMDOP_LOG", "debug")
    monkeypatch.setenv("CMDOP_LOG_FILE", str(path))
    tokens: list[str] = []
    async with relay.client() as c:
        assert await c.machines.ask(charlie, "hi", pin="1234").collect() == "ok: hi"
        stream = c.machines.ask(charlie, "echo: gated")
        async for f in stream:
            if isinstance(f, cmdop.PinRequiredFrame):
                await stream.pin(f.challenge_id, "1234")
        stream = c.machines.ask(alpha, "rm -rf /tmp/scratch")
        async for f in stream:
            if isinstance(f, cmdop.ConfirmRequiredFrame):
                tokens.append(f.token)
                await stream.confirm(f.token, True)
    text = path.read_text()
    assert tokens and "request: POST " in text and "/confirm" in text
    for secret in (*tokens, relay.token, relay.api_key):
        assert secret not in text
    assert '"1234"' not in text and "pin=1234" not in text
