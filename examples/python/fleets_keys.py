"""Create a fleet, issue an API key in it and revoke the key (cmdop 1.1.0 surface).

Env: CMDOP_TOKEN, CMDOP_BASE_URL.
"""
import asyncio
import secrets

from cmdop import Client


async def main() -> None:
    async with Client.from_env() as client:
        slug = "demo-" + secrets.token_hex(3)
        fleet = await client.fleets.create("Demo fleet", slug, "optional")
        print(f"fleets.create: {fleet.name} ({fleet.id}) slug={fleet.slug} role={fleet.role}")
        key = await client.keys.issue("ci-deploy", 30, fleet_id=fleet.id)
        print(f"keys.issue: {key.name} {key.id}, raw token shown once: {key.raw_token[:12]}...")
        await client.keys.revoke(key.id, fleet_id=fleet.id)
        listed = await client.keys.list(fleet_id=fleet.id)
        print(f"keys.revoke: done; revoked_at={listed.items[0].revoked_at}")


if __name__ == "__main__":
    asyncio.run(main())
