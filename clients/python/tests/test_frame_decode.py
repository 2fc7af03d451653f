"""Decoding a stream's envelopes into frames (generated cmdop/frames.py): every
kind a stream union yields, from the union's own envelope arm and from the
envelope's other arms, decodes to the frame with the values and the value
types the user gets, and leaves the envelope as it was. The decoder asks the
union's arm before the envelope's (docs/performance.md "Python client:
per-call and per-frame path"): an envelope of another arm, an empty union
message and an arm this version does not take from the union must still
decode as they always did."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, get_args

import pytest

from cmdop import frames, types
from cmdop._core import _load_pb

_load_pb()
from cmdop.core.v1 import bots_pb2, common_pb2, machines_pb2  # noqa: E402
from cmdop.core.v1.common_pb2 import KIND_CALLBACK as CALLBACK  # noqa: E402
from cmdop.core.v1.common_pb2 import KIND_DONE as DONE  # noqa: E402
from cmdop.core.v1.common_pb2 import KIND_EVENT as EVENT  # noqa: E402
from cmdop.core.v1.envelope_pb2 import Envelope  # noqa: E402


def _ask(**arm: Any) -> Envelope:
    return Envelope(id=7, kind=EVENT, ask_frame=machines_pb2.AskFrame(**arm))


def _event(**fields: Any) -> Envelope:
    return _ask(event=machines_pb2.StreamEvent(**fields))


def _bot(**arm: Any) -> Envelope:
    return Envelope(id=9, kind=EVENT, bot_event=bots_pb2.BotEvent(**arm))


ASK: list[tuple[str, Callable[[], Envelope], Any]] = [
    ("event", lambda: _event(event_type=1, payload_json='{"type":"text","text":"w1 ","seq":1}'),
     frames.EventFrame(event_type=1, payload={"type": "text", "text": "w1 ", "seq": 1})),
    ("event nested", lambda: _event(event_type=2, payload_json='{"a":[1,2.5,null,true],"b":{}}'),
     frames.EventFrame(event_type=2, payload={"a": [1, 2.5, None, True], "b": {}})),
    ("event int", lambda: _event(event_type=3, payload_json="12"),
     frames.EventFrame(event_type=3, payload=12)),
    ("event float", lambda: _event(payload_json="1.5"), frames.EventFrame(payload=1.5)),
    ("event bool", lambda: _event(payload_json="true"), frames.EventFrame(payload=True)),
    ("event string", lambda: _event(payload_json='"s"'), frames.EventFrame(payload="s")),
    ("event null", lambda: _event(payload_json="null"), frames.EventFrame(payload=None)),
    ("event spaced", lambda: _event(payload_json=' {"k": "v"}\n'),
     frames.EventFrame(payload={"k": "v"})),
    ("event not json", lambda: _event(event_type=1, payload_json="not json"),
     frames.EventFrame(event_type=1, payload="not json")),
    ("event trailing", lambda: _event(payload_json="[1] x"), frames.EventFrame(payload="[1] x")),
    ("event empty", lambda: _event(event_type=1, payload_json=""),
     frames.EventFrame(event_type=1, payload=None)),
    ("event no fields", lambda: _event(), frames.EventFrame()),
    ("pin_denied", lambda: _ask(pin_denied=machines_pb2.PinDenied(challenge_id="c1", reason="r")),
     frames.PinDeniedFrame(challenge_id="c1", reason="r")),
    ("unknown", lambda: _ask(unknown=machines_pb2.AskFrameUnknown(type="telemetry",
                                                                  raw_json='{"a":1}')),
     frames.UnknownFrame(type="telemetry", raw={"a": 1})),
    ("unknown not an object", lambda: _ask(unknown=machines_pb2.AskFrameUnknown(
        type="t", raw_json="[1]")), frames.UnknownFrame(type="t", raw={"value": [1]})),
    ("unknown bad json", lambda: _ask(unknown=machines_pb2.AskFrameUnknown(raw_json="{")),
     frames.UnknownFrame(type="unknown", raw={"raw_json": "{"})),
    # the union's message with no arm: the kind names it, as before
    ("ask_frame empty", lambda: _ask(), frames.UnknownFrame(type="KIND_EVENT")),
    # arms the union carries but this decoder takes from the envelope (or raises)
    ("ask_frame.done", lambda: _ask(done=machines_pb2.DoneInfo(success=True)),
     frames.UnknownFrame(type="done")),
    ("ask_frame.error", lambda: _ask(error=common_pb2.ErrorInfo(code="internal")),
     frames.UnknownFrame(type="error")),
    ("pin_required", lambda: Envelope(id=7, kind=CALLBACK, pin_required=machines_pb2.PinRequired(
        challenge_id="c2", label="PIN")),
     frames.PinRequiredFrame(challenge_id="c2", label="PIN")),
    ("confirm_required", lambda: Envelope(id=7, kind=CALLBACK,
                                          confirm_required=machines_pb2.ConfirmRequired(
                                              token="t", plan="p", danger_level="high")),
     frames.ConfirmRequiredFrame(token="t", plan="p", danger_level="high")),
    ("confirm_required fill", lambda: Envelope(
        id=7, kind=CALLBACK, confirm_required=machines_pb2.ConfirmRequired(token="t")),
     frames.ConfirmRequiredFrame(token="t", danger_level="medium")),
    ("done", lambda: Envelope(id=7, kind=DONE, done=machines_pb2.DoneInfo(
        success=True, text="all", error="", duration_ms=42)),
     frames.DoneFrame(success=True, text="all", duration_ms=42)),
    ("done empty", lambda: Envelope(id=7, kind=DONE, done=machines_pb2.DoneInfo()),
     frames.DoneFrame()),
    # an envelope arm no ask frame uses, and none at all
    ("other arm", lambda: Envelope(id=7, kind=EVENT, pin_answer=machines_pb2.PinAnswer(pin="1")),
     frames.UnknownFrame(type="pin_answer")),
    ("bot_event arm", lambda: _bot(refused=bots_pb2.BotRefused(reason="r")),
     frames.UnknownFrame(type="bot_event")),
    ("no payload", lambda: Envelope(id=7, kind=DONE), frames.UnknownFrame(type="KIND_DONE")),
]

BOT: list[tuple[str, Callable[[], Envelope], Any]] = [
    ("message_received", lambda: _bot(message_received=bots_pb2.BotMessageReceived(
        chat_id="c", user_id="u", message_id="m", text="hi")),
     frames.MessageReceivedEvent(chat_id="c", user_id="u", message_id="m", text="hi")),
    ("refused", lambda: _bot(refused=bots_pb2.BotRefused(chat_id="c", user_id="u", reason="r")),
     frames.RefusedEvent(chat_id="c", user_id="u", reason="r")),
    ("ask_started", lambda: _bot(ask_started=bots_pb2.BotAskStarted(
        chat_id="c", user_id="u", session_id="s", prompt="p")),
     frames.AskStartedEvent(chat_id="c", user_id="u", session_id="s", prompt="p")),
    ("reply_sent", lambda: _bot(reply_sent=bots_pb2.BotReplySent(
        chat_id="c", message_ids=["1", "2"], success=True, text_length=5)),
     frames.ReplySentEvent(chat_id="c", message_ids=["1", "2"], success=True, text_length=5)),
    ("confirm_asked", lambda: _bot(confirm_asked=bots_pb2.BotConfirmAsked(
        chat_id="c", user_id="u", plan="p", danger_level="low", offered=True)),
     frames.ConfirmAskedEvent(chat_id="c", user_id="u", plan="p", danger_level="low",
                              offered=True)),
    ("pin_asked", lambda: _bot(pin_asked=bots_pb2.BotPinAsked(chat_id="c", user_id="u",
                                                              label="l")),
     frames.PinAskedEvent(chat_id="c", user_id="u", label="l")),
    ("error", lambda: _bot(error=bots_pb2.BotError(chat_id="c", code="x", message="m")),
     frames.ErrorEvent(chat_id="c", code="x", message="m")),
    ("unknown", lambda: _bot(unknown=bots_pb2.BotEventUnknown(type="new", raw_json='{"k":2}')),
     frames.UnknownEvent(type="new", raw={"k": 2})),
    ("bot_event empty", lambda: _bot(), frames.UnknownEvent(type="KIND_EVENT")),
    ("ask_frame arm", lambda: _event(event_type=1), frames.UnknownEvent(type="ask_frame")),
    ("no payload", lambda: Envelope(id=9, kind=DONE), frames.UnknownEvent(type="KIND_DONE")),
]


def _types(f: Any) -> list[type[Any]]:
    return [type(getattr(f, n)) for n in f.__match_args__]


def _check(decode: Callable[[Envelope], Any], make: Callable[[], Envelope], want: Any) -> None:
    env = make()
    wire, arm = env.SerializeToString(), env.WhichOneof("payload")
    got = decode(Envelope.FromString(wire))  # as the client decodes: a fresh envelope
    assert type(got) is type(want)
    assert got == want and repr(got) == repr(want)
    assert _types(got) == _types(want)  # 1 stays int, True bool, 1.5 float
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.type = "x"
    # decoding the envelope in hand reads the union's arm first: it sets nothing
    again = decode(env)
    assert again == want and env.WhichOneof("payload") == arm
    assert env.SerializeToString() == wire


@pytest.mark.parametrize("name,make,want", ASK, ids=[c[0] for c in ASK])
def test_every_ask_frame_kind_decodes_as_declared(name: str, make: Callable[[], Envelope],
                                                  want: Any) -> None:
    _check(frames.ask_frame_from_envelope, make, want)


@pytest.mark.parametrize("name,make,want", BOT, ids=[c[0] for c in BOT])
def test_every_bot_event_kind_decodes_as_declared(name: str, make: Callable[[], Envelope],
                                                  want: Any) -> None:
    _check(frames.bot_event_from_envelope, make, want)


def test_every_yielded_frame_class_is_covered() -> None:
    """A new arm of either union gets a row above (this fails until it does)."""
    yielded = {t for u in (frames.AskFrame, frames.BotEvent) for t in get_args(u)}
    covered = {type(want) for _, _, want in ASK + BOT}
    assert yielded == covered


def test_the_builder_runs_no_new_or_init_of_a_subclass() -> None:
    """`_builder()` is what `object.__new__(_builder)` was: a record subclass's own
    __new__ and __init__ (which may take arguments) are not run by a decode."""

    class Strict(types.MachineHardware):
        __slots__ = ()

        def __new__(cls, needed: int) -> Strict:
            raise AssertionError("__new__ ran")

        def __init__(self, needed: int) -> None:
            raise AssertionError("__init__ ran")

    class StrictLoose(frames.EventFrame):  # a __dict__ as well
        def __init__(self, needed: int) -> None:
            raise AssertionError("__init__ ran")

    pb = machines_pb2.MachineHardware(cpu="c", cpu_cores=2)
    d = Strict._from_pb(pb)
    assert type(d) is Strict and (d.cpu, d.cpu_cores, d.gpu) == ("c", 2, "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.cpu = "x"  # type: ignore[misc]
    e: Any = StrictLoose._builder()
    e.type, e.event_type, e.payload = "event", 1, None
    e.__class__ = StrictLoose
    assert type(e) is StrictLoose and e.event_type == 1 and vars(e) == {}
