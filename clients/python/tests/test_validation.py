"""Argument validation before the network: an enum value that is not the IDL's and a
missing fleet id are ValidationErrors naming the field, and no request reaches the relay."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

import cmdop
from cmdop.types import ENUM_WIRE, BotPermission
from conftest import Relay

M1 = "20000000-0000-4000-8000-000000000001"
F1 = "10000000-0000-4000-8000-000000000001"

Call = Callable[[cmdop.Client], Awaitable[Any]]


def _any(v: object) -> Any:
    """A value of the wrong type, past the type checker (as an untyped caller passes it)."""
    return v


# (field, enum, the call with a value that is not one of the enum's)
BAD_ENUMS: list[tuple[str, str, Call]] = [
    ("target_kind", "ScheduleTargetKind",
     lambda c: c.schedules.create(name="x", cron_expr="0 * * * *", command="true",
                                  target_kind="specific", machine_ids=[M1], fleet_id=F1)),
    ("permission", "BotPermission",
     lambda c: c.bots.create(name="x", platform="slack", machine_id=M1, permission="Read")),
    ("platform", "BotPlatform",
     lambda c: c.bots.create(name="x", platform="irc", machine_id=M1)),
    ("mfa_required", "MfaRequirement",
     lambda c: c.fleets.create(name="Staging", slug="staging", mfa_required="Required")),
    ("mfa_required", "MfaRequirement",
     lambda c: c.fleets.create(name="Staging", slug="staging", mfa_required=_any(7))),
    ("permission", "BotPermission",  # a bool is no enum member
     lambda c: c.bots.create(name="x", platform="slack", machine_id=M1, permission=_any(True))),
]


def _requests(relay: Relay) -> list[Any]:
    reqs: list[Any] = relay.control("/requests")["requests"]
    return reqs


@pytest.mark.parametrize("field,enum,call", BAD_ENUMS, ids=[f"{b[0]}-{i}" for i, b in
                                                           enumerate(BAD_ENUMS)])
async def test_unknown_enum_value_is_a_validation_error(relay: Relay, field: str, enum: str,
                                                        call: Call) -> None:
    c = relay.client(fleet_id=F1)
    try:
        with pytest.raises(cmdop.ValidationError) as info:
            await call(c)
        assert info.value.field == field and info.value.code == "validation"
        for allowed in ENUM_WIRE[enum]:  # the IDL's values, listed in the message
            assert allowed in str(info.value)
        assert _requests(relay) == []
    finally:
        await c.aclose()


async def test_enum_accepts_the_sdk_strings_and_members(relay: Relay) -> None:
    c = relay.client(fleet_id=F1)
    try:
        b = await c.bots.create(name="x", platform="slack", machine_id=M1, permission="read")
        assert b.permission == BotPermission.BOT_PERMISSION_READ
        b = await c.bots.create(name="y", platform="slack", machine_id=M1,
                                permission=BotPermission.BOT_PERMISSION_ADMIN)
        assert b.permission == BotPermission.BOT_PERMISSION_ADMIN
    finally:
        await c.aclose()


async def test_missing_fleet_id_is_a_validation_error(relay: Relay,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CMDOP_FLEET_ID", raising=False)
    c = relay.client()
    try:
        for call in (lambda: c.keys.list(), lambda: c.schedules.list(),
                     lambda: c.schedules.create(name="x", cron_expr="0 * * * *",
                                                command="true")):
            with pytest.raises(cmdop.ValidationError) as info:
                await call()
            assert info.value.field == "fleet_id" and info.value.code == "validation"
            assert "CMDOP_FLEET_ID" in str(info.value)
            assert isinstance(info.value, ValueError)  # as 1.1.0 raised
        assert _requests(relay) == []
    finally:
        await c.aclose()


M2 = "20000000-0000-4000-8000-000000000002"

# (field, the call with a NUL inside one of its strings)
NULS: list[tuple[str, Call]] = [
    ("machine_id", lambda c: c.machines.disable(M2 + "\x00-x")),
    ("name", lambda c: c.bots.create(name="safe\x00; evil", platform="slack", machine_id=M1)),
    ("allowed_users", lambda c: c.bots.create(name="x", platform="slack", machine_id=M1,
                                              allowed_users=["u", "v\x00w"])),
    ("fleet_id", lambda c: c.keys.list("f\x00x")),
]


@pytest.mark.parametrize("field,call", NULS, ids=[n[0] for n in NULS])
async def test_nul_in_a_string_is_a_validation_error(relay: Relay, field: str,
                                                     call: Call) -> None:
    c = relay.client(fleet_id=F1)
    try:
        with pytest.raises(cmdop.ValidationError) as info:
            await call(c)
        assert info.value.field == field and "NUL" in str(info.value)
        assert _requests(relay) == []
    finally:
        await c.aclose()


# (field, the call with a param of the wrong type)
WRONG_TYPES: list[tuple[str, Call]] = [
    ("machine_ids", lambda c: c.schedules.create(name="x", cron_expr="0 * * * *",
                                                 command="true", target_kind="specific_machines",
                                                 machine_ids=_any("abc"))),
    ("machine_id", lambda c: c.machines.disable(_any(5))),
    ("name", lambda c: c.bots.create(name=_any(b"x"), platform="slack", machine_id=M1)),
    ("allowed_users", lambda c: c.bots.create(name="x", platform="slack", machine_id=M1,
                                              allowed_users=_any(["u", 5]))),
    ("page_size", lambda c: c.bots.list(page_size=_any("5"))),
    ("page_size", lambda c: c.bots.list(page_size=_any(True))),
    ("page_size", lambda c: c.bots.list(page_size=2**40)),
    ("enabled", lambda c: c.bots.create(name="x", platform="slack", machine_id=M1,
                                        enabled=_any("yes"))),
]


@pytest.mark.parametrize("field,call", WRONG_TYPES,
                         ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG_TYPES)])
async def test_wrong_type_is_a_validation_error(relay: Relay, field: str,
                                                       call: Call) -> None:
    c = relay.client(fleet_id=F1)
    try:
        with pytest.raises(cmdop.ValidationError) as info:
            await call(c)
        assert info.value.field == field
        assert _requests(relay) == []
    finally:
        await c.aclose()
