"""List the skills marketplace (platform plane, X-Api-Key; cmdop 1.1.0 surface).

Env: CMDOP_API_KEY, CMDOP_API_BASE_URL.
"""
import asyncio

from cmdop import Client


async def main() -> None:
    async with Client.from_env() as client:
        page = await client.skills.list(page_size=5)
        print(f"skills.list: {page.count} skills, page {page.page} of {page.pages}")
        for s in page.results:
            print(f"  {s.slug:<10} {s.name}")


if __name__ == "__main__":
    asyncio.run(main())
