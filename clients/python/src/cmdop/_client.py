"""Client and its lifetime; its configuration and namespaces are generated from the IDL.
A missing token is not an error here: the core answers an op of that plane with `auth`
(AuthError), so a platform-only client works."""
from __future__ import annotations

from ._config import ClientConfig
from ._core import _Conn
from ._resources import _Namespaces


class Client(_Namespaces):
    """`async with Client() as c: ...` — one cmdop-core child, spawned on the first call."""

    def __init__(self, token: str | None = None, *, base_url: str | None = None,
                 fleet_id: str | None = None, timeout_ms: int | None = None,
                 binary_path: str | None = None, api_key: str | None = None,
                 api_base_url: str | None = None, ca_file: str | None = None,
                 max_streams: int | None = None) -> None:
        self.config = ClientConfig.resolve(
            token=token, base_url=base_url, fleet_id=fleet_id, timeout_ms=timeout_ms,
            binary_path=binary_path, api_key=api_key, api_base_url=api_base_url,
            ca_file=ca_file, max_streams=max_streams)
        self._conn = _Conn(binary_path, self.config.core_env(), self.config.fleet_id)

    @classmethod
    def from_env(cls) -> Client:
        return cls()

    @property
    def fleet_id(self) -> str | None:
        return self.config.fleet_id

    @property
    def base_url(self) -> str:
        """The relay REST root; "" when none is configured (relay ops then fail naming
        CMDOP_BASE_URL)."""
        return self.config.base_url or ""

    async def aclose(self) -> None:
        await self._conn.aclose()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
