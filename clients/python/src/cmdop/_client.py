"""Client: configuration resolution (section 1 of the reference) and lifetime.

The namespaces (machines, fleets, ...) come from the generated _Namespaces.
A missing token is not an error here: the core answers an op of that plane
with `auth` (AuthError), so a platform-only client works.
"""
from __future__ import annotations

import dataclasses
import os
from types import TracebackType

from ._core import _Conn
from ._gen import DEFAULT_API_BASE_URL, DEFAULT_BASE_URL
from ._resources import _Namespaces

_CHILD_VARS = ("CMDOP_TOKEN", "CMDOP_API_KEY", "CMDOP_BASE_URL", "CMDOP_API_BASE_URL",
               "CMDOP_FLEET_ID", "CMDOP_TIMEOUT_MS")


@dataclasses.dataclass(frozen=True)
class ClientConfig:
    token: str | None
    base_url: str
    api_base_url: str
    api_key: str | None
    fleet_id: str | None
    timeout_ms: int
    binary_path: str | None


class Client(_Namespaces):
    """`async with Client() as c: ...` — one cmdop-core child, spawned on the first call."""

    def __init__(self, token: str | None = None, *, base_url: str | None = None,
                 fleet_id: str | None = None, timeout_ms: int | None = None,
                 binary_path: str | None = None, api_key: str | None = None,
                 api_base_url: str | None = None) -> None:
        env = os.environ.get  # explicit > env > default; "" counts as unset (Python `or`)
        self.config = ClientConfig(
            token=token or env("CMDOP_TOKEN") or env("CMDOP_API_KEY") or None,
            base_url=(base_url or env("CMDOP_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
            api_base_url=(api_base_url or env("CMDOP_API_BASE_URL")
                          or DEFAULT_API_BASE_URL).rstrip("/"),
            api_key=api_key or env("CMDOP_API_KEY") or None,
            fleet_id=fleet_id or env("CMDOP_FLEET_ID") or None,
            timeout_ms=timeout_ms or int(env("CMDOP_TIMEOUT_MS") or 30000),
            binary_path=binary_path)
        cfg = self.config  # credentials reach the core only through its env
        child = {k: v for k, v in os.environ.items() if k not in _CHILD_VARS}
        child.update({k: v for k, v in zip(_CHILD_VARS, (
            cfg.token, cfg.api_key, cfg.base_url, cfg.api_base_url, cfg.fleet_id,
            str(cfg.timeout_ms))) if v})
        self._conn = _Conn(binary_path, child, self.config.fleet_id)

    @classmethod
    def from_env(cls) -> Client:
        return cls()

    @property
    def fleet_id(self) -> str | None:
        return self.config.fleet_id

    @property
    def base_url(self) -> str:
        return self.config.base_url

    async def aclose(self) -> None:
        await self._conn.aclose()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()
