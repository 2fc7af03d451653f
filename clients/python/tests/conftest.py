"""Fixtures: the real local relay (one per session, port 0) and a Client on it
that runs the real core ($CMDOP_CORE_BINARY, set by `make test-python`)."""
from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

import cmdop

CORE = os.environ.get("CMDOP_CORE_BINARY", "build/cmdop-core")
ROOT = os.environ.get("CMDOP_TEST_ROOT", os.getcwd())


class Relay:
    def __init__(self, info: dict[str, str]) -> None:
        self.info = info
        self.url, self.platform_url = info["relay_url"], info["platform_url"]
        self.control_url, self.token, self.api_key = (info["control_url"], info["token"],
                                                     info["api_key"])

    def control(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.control_url + path, data=data,
                                     method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read() or b"null")

    def client(self, **kw: Any) -> cmdop.Client:
        args: dict[str, Any] = dict(token=self.token, base_url=self.url, api_key=self.api_key,
                                    api_base_url=self.platform_url)
        args.update(kw)
        return cmdop.Client(**args)


@pytest.fixture(scope="session")
def relay() -> Iterator[Relay]:
    p = subprocess.Popen([CORE, "relay", "--port", "0", "--token", "tok-test",
                          "--api-key", "key-test"], stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None
    line = p.stdout.readline()
    assert line, "the relay did not start"
    try:
        yield Relay(json.loads(line))
    finally:
        p.terminate()
        assert p.wait(10) == 0


@pytest.fixture(autouse=True)
def _reset(request: pytest.FixtureRequest) -> None:
    if "relay" in request.fixturenames:
        r: Relay = request.getfixturevalue("relay")
        r.control("/reset", {"state": True})


@pytest.fixture
async def client(relay: Relay) -> AsyncIterator[cmdop.Client]:
    c = relay.client()
    try:
        yield c
    finally:
        await c.aclose()


@pytest.fixture
def surface() -> dict[str, Any]:
    with open(os.path.join(ROOT, "gen", "surface.json"), encoding="utf-8") as f:
        return json.load(f)  # type: ignore[no-any-return]
