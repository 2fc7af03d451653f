"""List one page of machines, then iterate all of them (cmdop 1.1.0 surface).

Env: CMDOP_TOKEN, CMDOP_BASE_URL (and CMDOP_CORE_BINARY when not installed from a wheel).
"""
import asyncio

from cmdop import Client


async def main() -> None:
    async with Client.from_env() as client:
        page = await client.machines.list(limit=2)
        print(f"machines.list(limit=2): {len(page.items)} machines, has_more={page.has_more}")
        async for m in client.machines.iter(presence="any"):
            print(f"  {m.name:<8} {m.presence:<8} {m.os} {m.id}")
        online = [m async for m in client.machines.iter(presence="online")]
        print(f"online: {', '.join(m.name for m in online)}")


if __name__ == "__main__":
    asyncio.run(main())
