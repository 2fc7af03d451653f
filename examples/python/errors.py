"""Typed errors: a missing machine is NotFoundError, a bad token AuthError
(cmdop 1.1.0 surface).

Env: CMDOP_TOKEN, CMDOP_BASE_URL.
"""
import asyncio

from cmdop import AuthError, Client, CmdopError, NotFoundError


async def main() -> None:
    async with Client.from_env() as client:
        try:
            await client.machines.get("no-such-machine")
        except NotFoundError as e:
            print(f"machines.get(no-such-machine): NotFoundError code={e.code} "
                  f"message={e.message!r}")
    async with Client("not-a-valid-token") as bad:
        try:
            await bad.machines.list()
        except AuthError as e:
            print(f"machines.list with a bad token: AuthError code={e.code}")
        except CmdopError as e:
            raise SystemExit(f"expected AuthError, got {e!r}")


if __name__ == "__main__":
    asyncio.run(main())
