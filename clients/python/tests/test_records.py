"""Records and frames are plain __slots__ classes (cheap to define at import,
docs/performance.md "Cold start (Python)") that behave as the frozen
dataclasses they declare: the same repr, ==, hash, immutability, pickling,
pattern matching and the dataclasses module's view (fields, defaults,
asdict, replace). Each test compares with a real frozen dataclass built from
the record's own field list."""
from __future__ import annotations

import copy
import dataclasses
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cmdop
from cmdop import frames, types
from cmdop.types import _json_value, _Record

RECORDS = sorted({o for n, o in vars(types).items()
                  if isinstance(o, type) and issubclass(o, _Record) and o is not _Record
                  and not n.startswith("_")}, key=lambda c: c.__name__)
FRAMES = sorted({o for o in vars(frames).values()
                 if isinstance(o, type) and issubclass(o, _Record) and o is not _Record},
                key=lambda c: c.__name__)


def _sample(cls: type[Any]) -> Any:
    """An instance with a distinct value per field (nested records as records)."""
    values = {}
    for i, f in enumerate(dataclasses.fields(cls)):
        values[f.name] = [f"v{i}"] if "list[" in str(f.type) else f"v{i}"
    return cls(**values)


def _twin(cls: type[Any]) -> type[Any]:
    """The frozen dataclass cls declares, built the way @dataclass would."""
    specs = []
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:
            specs.append((f.name, f.type, dataclasses.field(default_factory=f.default_factory)))
        elif f.default is not dataclasses.MISSING:
            specs.append((f.name, f.type, dataclasses.field(default=f.default)))
        else:
            specs.append((f.name, f.type))
    twin = dataclasses.make_dataclass(cls.__name__, specs, frozen=True)
    twin.__qualname__ = cls.__qualname__
    return twin


def test_every_record_and_frame_is_a_slots_class_seen_as_a_dataclass() -> None:
    assert len(RECORDS) > 50 and len(FRAMES) >= 10
    for cls in RECORDS + FRAMES:
        assert dataclasses.is_dataclass(cls), cls
        assert "__dict__" not in dir(_sample(cls)), cls
        names = [f.name for f in dataclasses.fields(cls)]
        assert names == list(cls.__match_args__) == list(cls.__slots__), cls
        assert cls.__dataclass_params__.frozen, cls  # type: ignore[attr-defined]
        # every field is annotated (what typing.get_type_hints and parity read)
        assert all(n in cls.__annotations__ for n in names), cls


@pytest.mark.parametrize("cls", RECORDS + FRAMES, ids=lambda c: c.__name__)
def test_repr_eq_hash_and_asdict_match_the_dataclass(cls: type[Any]) -> None:
    a = _sample(cls)
    twin = _twin(cls)
    t = twin(**{f.name: getattr(a, f.name) for f in dataclasses.fields(cls)})
    assert repr(a) == repr(t)
    assert dataclasses.asdict(a) == dataclasses.asdict(t)
    assert dataclasses.astuple(a) == dataclasses.astuple(t)
    b = _sample(cls)
    assert a == b and not (a != b)
    assert a != t  # another class is never equal, as between two dataclasses
    if not any(isinstance(v, list) for v in dataclasses.astuple(a)):
        assert hash(a) == hash(b)


@pytest.mark.parametrize("cls", RECORDS + FRAMES, ids=lambda c: c.__name__)
def test_frozen_pickle_copy_and_replace(cls: type[Any]) -> None:
    a = _sample(cls)
    fields = dataclasses.fields(cls)
    name = fields[0].name if fields else "anything"  # a frozen dataclass refuses every name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(a, name, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(a, name)
    with pytest.raises(AttributeError):
        a.not_a_field = 1
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(a, proto)) == a
    assert copy.copy(a) == a and copy.deepcopy(a) == a
    if fields:
        r = dataclasses.replace(a, **{name: "changed"})
        assert getattr(r, name) == "changed" and type(r) is cls


def test_frame_defaults_and_factories_as_declared() -> None:
    assert cmdop.EventFrame() == cmdop.EventFrame(type="event", event_type=0, payload=None)
    u1, u2 = cmdop.UnknownFrame(), cmdop.UnknownFrame()
    assert u1.type == "unknown" and u1.raw == {} and u1.raw is not u2.raw  # a fresh dict each
    f = {x.name: x for x in dataclasses.fields(cmdop.UnknownFrame)}
    assert f["raw"].default_factory is dict and f["type"].default == "unknown"
    assert cmdop.ConfirmRequiredFrame().danger_level == "medium"
    d = {x.name: x.default for x in dataclasses.fields(cmdop.DoneFrame)}
    assert d == {"type": "done", "success": False, "text": "", "error": "", "duration_ms": 0}
    match cmdop.EventFrame(event_type=3, payload={"a": 1}):
        case cmdop.EventFrame(kind, 3, {"a": one}):
            assert (kind, one) == ("event", 1)
        case _:
            raise AssertionError("no match")


@pytest.mark.parametrize("text", ["", "{}", '{"a": [1, 2.5, null, true]}', " [1] ", "[1] x", "1 2",
                                  '"s"', "NaN", "[1,", "nope", "\n{\"k\": \"v\"}\n", "-0", "1e400"])
def test_json_value_is_json_loads_or_the_raw_text(text: str) -> None:
    if not text:
        assert _json_value(text) is None
        return
    try:
        want: Any = json.loads(text)
    except ValueError:
        want = text
    got = _json_value(text)
    assert repr(got) == repr(want)


def test_type_checkers_see_records_and_frames_as_frozen(tmp_path: Any) -> None:
    """mypy --strict rejects assigning a field (the run-time rule, caught before
    the program runs), and accepts constructing and reading one."""
    src = Path(cmdop.__file__).parent.parent
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from cmdop.types import MachineDetail\n"
        "from cmdop.frames import EventFrame\n"
        "def f(m: MachineDetail, e: EventFrame) -> str:\n"
        "    m.username = 'x'\n"
        "    e.type = 'event'\n"
        "    return m.username + e.type\n")
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--config-file", str(src.parent / "mypy.ini"), str(probe)],
        capture_output=True, text=True, env={**os.environ, "MYPYPATH": str(src)})
    out = run.stdout
    assert run.returncode == 1, out
    assert 'Property "username" defined in "MachineDetail" is read-only' in out, out
    assert "defined in \"EventFrame\" is read-only" in out, out
    assert out.count("error:") == 2, out


def test_a_subclass_sets_its_bases_fields_and_decoding_matches_the_constructor() -> None:
    """__init__ and _from_pb set fields through the class's slot setters
    (_Record._setters, built per class from the MRO): a subclass declaring no
    slots of its own still gets every field, and a decoded record equals the
    one built by its constructor."""
    from cmdop._core import _load_pb
    _load_pb()
    from cmdop.core.v1 import machines_pb2

    class Mine(types.MachineHardware):
        __slots__ = ()

    m = Mine(cpu="c", cpu_cores=2, memory_total_gb=1.5, disk_total_gb=3.0, gpu="g")
    assert (m.cpu, m.cpu_cores, m.memory_total_gb, m.disk_total_gb, m.gpu) == ("c", 2, 1.5, 3.0, "g")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.cpu = "x"  # type: ignore[misc]
    pb = machines_pb2.MachineHardware(cpu="c", cpu_cores=2, memory_total_gb=1.5,
                                      disk_total_gb=3.0, gpu="g")
    d = types.MachineHardware._from_pb(pb)
    assert type(d) is types.MachineHardware
    assert d == types.MachineHardware(cpu="c", cpu_cores=2, memory_total_gb=1.5,
                                      disk_total_gb=3.0, gpu="g")
    assert Mine._from_pb(pb).gpu == "g" and type(Mine._from_pb(pb)) is Mine

    class Loose(types.MachineHardware):  # a __dict__: not the layout of its base's builder
        pass

    loose = Loose._from_pb(pb)
    assert type(loose) is Loose and loose == Loose(cpu="c", cpu_cores=2, memory_total_gb=1.5,
                                                   disk_total_gb=3.0, gpu="g")
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.cpu = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        loose.gpu = "x"  # type: ignore[misc]


@pytest.mark.parametrize("present, text, want", [
    (False, "", None), (True, "", None), (True, '{"delta":"w"}', {"delta": "w"}),
    (True, "not json", "not json")])
def test_an_event_payload_decodes_the_same_with_or_without_presence(
        present: bool, text: str, want: Any) -> None:
    """An optional json field decodes as _json_value of its text, with no
    presence check: absent and empty are both None."""
    from cmdop._core import _load_pb
    _load_pb()
    from cmdop.core.v1 import machines_pb2
    from cmdop.core.v1.envelope_pb2 import Envelope
    ev = machines_pb2.StreamEvent(event_type=1)
    if present:
        ev.payload_json = text
    env = Envelope(ask_frame=machines_pb2.AskFrame(event=ev))
    f = frames.ask_frame_from_envelope(env)
    assert isinstance(f, frames.EventFrame)
    assert (f.type, f.event_type, f.payload) == ("event", 1, want)
