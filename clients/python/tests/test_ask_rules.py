"""The ask rules before the network (docs/reliability.md): the IDL's
constraints on machines.ask (a prompt of 1..100000 bytes, timeout_seconds in
1..86400) and the side-channel answers' arguments (a PIN, challenge id or
confirm token that is empty or holds a NUL, an accept that is not a bool) are
ValidationErrors naming the field; no such request reaches the relay."""
from __future__ import annotations

from typing import Any

import pytest

import cmdop
from conftest import Relay

ALPHA, CHARLIE = ("20000000-0000-4000-8000-00000000000" + n for n in "13")


def paths(relay: Relay) -> list[str]:
    return [r["path"].rsplit("/", 1)[-1] for r in relay.control("/requests")["requests"]]


@pytest.mark.parametrize("prompt,kw,field", [
    ("", {}, "prompt"),
    ("x" * 100001, {}, "prompt"),
    ("hi", {"timeout_seconds": -1}, "timeout_seconds"),
    ("hi", {"timeout_seconds": 0}, "timeout_seconds"),
])
async def test_the_ask_rules_hold_before_the_network(
        client: cmdop.Client, relay: Relay, prompt: str, kw: dict[str, Any], field: str) -> None:
    with pytest.raises(cmdop.ValidationError) as info:
        await client.machines.ask(ALPHA, prompt, **kw).collect()
    e = info.value
    assert e.code == "validation" and e.field == field
    assert isinstance(e, cmdop.AgentStreamError)  # still the stream's class (1.1.0 code)
    assert paths(relay) == []


async def test_a_prompt_of_the_largest_size_passes(client: cmdop.Client) -> None:
    assert (await client.machines.ask(ALPHA, "x" * 100000).collect()).startswith("ok: ")


@pytest.mark.parametrize("challenge,pin,field", [
    (None, "", "pin"), (None, "12\x0034", "pin"), (None, 1234, "pin"), ("", "1234", "challenge_id"),
])
async def test_pin_arguments_are_checked_before_they_are_sent(
        client: cmdop.Client, relay: Relay, challenge: Any, pin: Any, field: str) -> None:
    stream = client.machines.ask(CHARLIE, "echo: gated")
    async for f in stream:
        if isinstance(f, cmdop.PinRequiredFrame):
            with pytest.raises(cmdop.ValidationError) as info:
                await stream.pin(f.challenge_id if challenge is None else challenge, pin)
            assert info.value.field == field
            await stream.pin(f.challenge_id, "1234")  # the stream is still usable
    assert "pin" in paths(relay) and paths(relay).count("pin") == 1


@pytest.mark.parametrize("token,accept,field", [("", True, "token"), (None, "yes", "accept"),
                                                (None, 1, "accept"), ("t\x00", True, "token")])
async def test_confirm_arguments_are_checked_before_they_are_sent(
        client: cmdop.Client, relay: Relay, token: Any, accept: Any, field: str) -> None:
    stream = client.machines.ask(ALPHA, "rm -rf /tmp/scratch")
    async for f in stream:
        if isinstance(f, cmdop.ConfirmRequiredFrame):
            with pytest.raises(cmdop.ValidationError) as info:
                await stream.confirm(f.token if token is None else token, accept)
            assert info.value.field == field
            await stream.confirm(f.token, True)
        last = f
    assert isinstance(last, cmdop.DoneFrame) and last.success
    assert paths(relay).count("confirm") == 1
