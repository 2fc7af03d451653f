"""The README's quickstart in Python: the same steps as examples/c/quickstart.c,
written only against the documented cmdop 1.1.0 surface.

Env: CMDOP_TOKEN, CMDOP_API_KEY, CMDOP_BASE_URL, CMDOP_API_BASE_URL.
"""
import asyncio

import ask
import errors
import fleets_keys
import machines
import skills


async def main() -> None:
    for step in (machines, errors, fleets_keys, skills, ask):
        print(f"== {step.__name__}")
        await step.main()


if __name__ == "__main__":
    asyncio.run(main())
