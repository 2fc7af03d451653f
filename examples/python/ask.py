"""Ask a machine's agent: collect() the answer, then answer a PIN and a
confirmation mid-stream (cmdop 1.1.0 surface).

Env: CMDOP_TOKEN, CMDOP_BASE_URL; CMDOP_PIN (default 1234, the local relay's
PIN of the machine "charlie").
"""
import asyncio
import os

from cmdop import Client, ConfirmRequiredFrame, DoneFrame, EventFrame, PinRequiredFrame


async def main() -> None:
    async with Client.from_env() as client:
        machines = [m async for m in client.machines.iter(presence="online")]
        first = machines[0]
        text = await client.machines.ask(first.id, "echo: hello from python").collect()
        print(f"ask({first.name}).collect(): {text}")

        gated = next((m for m in machines if m.name == "charlie"), first)
        stream = client.machines.ask(gated.id, "rm -rf /tmp/cmdop-demo")
        async for frame in stream:
            if isinstance(frame, PinRequiredFrame):
                print(f"  pin_required: {frame.label}")
                await stream.pin(frame.challenge_id, os.environ.get("CMDOP_PIN", "1234"))
            elif isinstance(frame, ConfirmRequiredFrame):
                print(f"  confirm_required ({frame.danger_level}): {frame.plan}")
                await stream.confirm(frame.token, True)
            elif isinstance(frame, EventFrame):
                print(f"  event {frame.event_type}: {frame.payload}")
            elif isinstance(frame, DoneFrame):
                print(f"  done: success={frame.success} text={frame.text!r}")


if __name__ == "__main__":
    asyncio.run(main())
