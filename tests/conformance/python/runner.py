"""The Python conformance runner: one scenario through the package's source tree.

    PYTHONPATH=clients/python/src CMDOP_CORE_BINARY=build/cmdop-core \
        python tests/conformance/python/runner.py SCENARIO.json

Same contract as c/runner.c: the client comes from the CMDOP_* environment
(Client.from_env()), every step calls the op's public method by name
(client.fleets.members.set_role(**args)), its iter/pages helper for
"mode": "iter"/"pages", or streams machines.ask answering pin/confirm
mid-stream; it prints {"steps": [...]} with records in their wire JSON form
(enums as their wire strings, absent optionals left out, like the C
cmdop_<type>_to_json()).
"""
import asyncio
import dataclasses
import enum
import json
import sys

import cmdop
from cmdop.types import ENUM_WIRE

WIRE = {name: {v: k for k, v in m.items()} for name, m in ENUM_WIRE.items()}


def wire(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if v is None:
                continue  # an absent optional field, as the C JSON leaves it out
            out[f.name] = wire(v)
        return out
    if isinstance(value, enum.Enum):
        return WIRE.get(type(value).__name__, {}).get(int(value), value.name.lower())
    if isinstance(value, (list, tuple)):
        return [wire(v) for v in value]
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    return value


def error_json(e):
    return {"code": getattr(e, "code", "unknown"), "status": getattr(e, "status", None) or 0,
            "field": getattr(e, "field", None)}


def helper_name(op, kind):
    return kind if op == "list" else "%s_%s" % (kind, op)


async def run_step(client, step):
    parts = step["op"].split(".")
    target = client
    for p in parts[:-1]:
        target = getattr(target, p)
    args = step.get("args", {})
    mode = step.get("mode")
    frames = None
    try:
        if mode in ("iter", "pages"):
            gen = getattr(target, helper_name(parts[-1], mode))(**args)
            result = [wire(x) async for x in gen]
        else:
            method = getattr(target, parts[-1])
            if mode == "collect":  # a stream's collect(): {"text": ...}
                result = {"text": await method(**args).collect()}
            elif parts == ["machines", "ask"]:
                frames = []
                answers = step.get("answers", {})
                stream = method(**args)
                try:
                    async for f in stream:
                        frames.append(wire(f))
                        if f.type == "pin_required" and "pin" in answers:
                            await stream.pin(f.challenge_id, answers["pin"])
                        elif f.type == "confirm_required" and "confirm" in answers:
                            await stream.confirm(f.token, bool(answers["confirm"]))
                finally:
                    await stream.aclose()
                result = None
            else:
                result = wire(await method(**args))
        out = {"ok": True, "result": result}
    except cmdop.CmdopError as e:
        out = {"ok": False, "error": error_json(e)}
    if frames is not None:
        out["frames"] = frames
    return out


async def main(path):
    with open(path) as f:
        scenario = json.load(f)
    async with cmdop.Client.from_env() as client:
        steps = [await run_step(client, st) for st in scenario["steps"]]
    print(json.dumps({"steps": steps}, sort_keys=True))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
