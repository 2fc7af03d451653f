"""Run a Telegram bot inside the core: each message from an allowed user
becomes machines.ask() on one machine, answered in the chat (docs/bots.md).

Env: CMDOP_TOKEN, CMDOP_BASE_URL (the relay), TELEGRAM_TOKEN (from
@BotFather), CMDOP_MACHINE_ID, TELEGRAM_ALLOWED_USERS (comma-separated
Telegram user ids); optional TELEGRAM_API_BASE_URL (another Bot API
server, e.g. a local fake) and CMDOP_BOT_SECONDS (stop after that many
seconds; default: run until Ctrl-C).
"""
import asyncio
import os

import cmdop


async def main() -> None:
    seconds = float(os.environ.get("CMDOP_BOT_SECONDS", "0"))
    async with cmdop.Client() as client:
        async with client.bots.run(
            platform="telegram",
            token=os.environ["TELEGRAM_TOKEN"],
            machine_id=os.environ["CMDOP_MACHINE_ID"],
            allowed_users=[u for u in os.environ.get("TELEGRAM_ALLOWED_USERS", "").split(",") if u],
            api_base_url=os.environ.get("TELEGRAM_API_BASE_URL"),
        ) as bot:
            print(f"bot status: {bot.status()}", flush=True)

            async def report() -> None:
                async for ev in bot.events():
                    print(f"event: {ev.type}", flush=True)

            reader = asyncio.create_task(report())
            try:
                if seconds > 0:
                    await asyncio.sleep(seconds)
                else:
                    await asyncio.Event().wait()
            finally:
                await bot.stop()
                await reader
        print(f"bot status: {bot.status()}")


if __name__ == "__main__":
    asyncio.run(main())
