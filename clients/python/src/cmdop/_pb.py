"""The Envelope message class and the Kind enum for a client's first call
(_core._load_pb), in about a third of the time the *_pb2.py modules take.

On the upb backend (protobuf's default) this adds the serialized files of
core/v1/_files.py (generated with the *_pb2.py modules, the same bytes) to the
default descriptor pool and makes the Envelope class from its descriptor:
google._upb._message, not descriptor_pool, symbol_database, the builder and
the Python classes of every message. Any other backend
(PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python) imports the *_pb2.py modules.

One family either way: the files are the default pool's, and upb keeps one
class per message descriptor, so envelope_pb2.Envelope, imported before or
after, is this class, and the sub-messages' classes are the *_pb2 modules'.
(A sub-message class that upb makes on first use, before any *_pb2 import,
names the module that used it first as its __module__.)
docs/performance.md "Cold start (Python)" has the numbers.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from .core.v1 import common_pb2, envelope_pb2

_ENVELOPE = "cmdop.core.v1.Envelope"
_KIND = "cmdop.core.v1.Kind"
# Clients on two threads' loops may make their first calls at once: one load,
# so both bind the same class (a second MessageMeta racing the first could not).
_LOCK = threading.Lock()
_loaded: tuple[type[envelope_pb2.Envelope], type[common_pb2.Kind]] | None = None


def load() -> tuple[type[envelope_pb2.Envelope], type[common_pb2.Kind]]:
    """(Envelope, Kind), through the backend's fastest correct path; loaded once."""
    global _loaded
    with _LOCK:
        if _loaded is None:
            from google.protobuf.internal import api_implementation
            _loaded = _load_upb() if api_implementation.Type() == "upb" else _load_pb2()
        return _loaded


def _load_upb() -> tuple[type[envelope_pb2.Envelope], type[common_pb2.Kind]]:
    """The files into the default pool, then the Envelope class (MessageMeta gives
    back the class a *_pb2 import already made for it, else makes the one that
    import will get)."""
    from google._upb import _message  # type: ignore[import-untyped,unused-ignore]
    from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper
    from google.protobuf.message import Message

    from .core.v1._files import FILES
    pool = _message.default_pool
    for f in FILES:  # a file already there with the same bytes is kept as is
        pool.AddSerializedFile(f)
    env = _message.MessageMeta("Envelope", (Message,), {
        "DESCRIPTOR": pool.FindMessageTypeByName(_ENVELOPE),
        "__module__": "cmdop.core.v1.envelope_pb2"})
    kind = EnumTypeWrapper(pool.FindEnumTypeByName(_KIND))
    return (cast("type[envelope_pb2.Envelope]", env), cast("type[common_pb2.Kind]", kind))


def _load_pb2() -> tuple[type[envelope_pb2.Envelope], type[common_pb2.Kind]]:
    from .core.v1 import common_pb2, envelope_pb2
    return envelope_pb2.Envelope, common_pb2.Kind
