"""The cold-start path (docs/performance.md "Cold start (Python)"): `import cmdop`
loads no protobuf; a client's first call starts the core's process, then loads
protobuf while the core starts up, with the call's own errors as before. Each
case runs in a fresh interpreter: in this one protobuf is loaded already."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import cmdop
from conftest import CORE, Relay

SRC = str(Path(cmdop.__file__).resolve().parent.parent)
MACHINE = "20000000-0000-4000-8000-000000000001"


def _fresh(code: str, **env: str) -> Any:
    """Runs code in a new interpreter on this source tree; its last stdout line as JSON."""
    # the client's settings come from the case alone; CMDOP_WINE_* belong to
    # the core's wrapper (tests/wine/core.sh as CORE), not to the client
    e = {k: v for k, v in os.environ.items()
         if not k.startswith("CMDOP_") or k.startswith("CMDOP_WINE_")}
    e.update(env, PYTHONPATH=SRC)
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=e,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_import_loads_no_protobuf() -> None:
    loaded = _fresh("""
        import json, sys
        import cmdop
        print(json.dumps(sorted(m for m in sys.modules
                                if m.startswith("google.protobuf") or m.endswith("_pb2"))))
    """)
    assert loaded == []


def test_first_call_starts_the_core_before_protobuf(relay: Relay) -> None:
    out = _fresh(f"""
        import asyncio, json, sys
        import cmdop
        from cmdop import _core
        seen = []
        start = _core._Conn._start
        async def spy(self):
            seen.append("google.protobuf" in sys.modules)
            return await start(self)
        _core._Conn._start = spy
        async def main():
            async with cmdop.Client(binary_path={CORE!r}) as c:
                info = await c.machines.info({MACHINE!r})
                again = await c.machines.info({MACHINE!r})
                return info.identity.hostname, again.identity.hostname, c._conn._started is None
        ids = asyncio.run(main())
        print(json.dumps({{"seen": seen, "ids": ids}}))
    """, CMDOP_TOKEN=relay.token, CMDOP_BASE_URL=relay.url)
    assert out["seen"] == [False]  # one start, before protobuf was loaded
    host, again, consumed = out["ids"]
    assert host and host == again and consumed


def test_first_call_validation_error_comes_before_a_missing_core(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-core")
    out = _fresh(f"""
        import asyncio, json
        import cmdop
        async def main():
            c = cmdop.Client(token="t", base_url="http://127.0.0.1:9", binary_path={missing!r})
            got = []
            for arg in (123, "m-1"):
                try:
                    await c.machines.info(arg)
                except Exception as e:
                    got.append(type(e).__name__)
            await c.aclose()
            return got
        print(json.dumps(asyncio.run(main())))
    """)
    assert out == ["ValidationError", "FileNotFoundError"]


def test_aclose_stops_a_core_started_for_a_failed_first_call() -> None:
    out = _fresh(f"""
        import asyncio, json
        import cmdop
        async def main():
            c = cmdop.Client(token="t", base_url="http://127.0.0.1:9", binary_path={CORE!r})
            try:
                await c.machines.info(123)
            except cmdop.ValidationError:
                pass
            started = c._conn._started
            assert started is not None
            await c.aclose()
            return started[1].returncode, c._conn._started is None
        print(json.dumps(asyncio.run(main())))
    """)
    assert out == [0, True]


# The *_pb2 machinery cmdop/_pb.py skips on the upb backend (about 10 ms).
_PB2_MACHINERY = ("google.protobuf.descriptor_pool", "google.protobuf.internal.python_message",
                  "google.protobuf.internal.builder", "google.protobuf.symbol_database",
                  "google.protobuf.text_format")

_FIRST_CALL = """
    import asyncio, json, sys
    import cmdop
    from cmdop import _core
    from google.protobuf.internal import api_implementation
    async def main():
        async with cmdop.Client(binary_path={core!r}) as c:
            info = await c.machines.info({machine!r})
            mods = sorted(m for m in sys.modules if m.startswith(("google.protobuf", "cmdop.core")))
            try:
                await c.machines.get("99999999-0000-4000-8000-000000000099")
            except cmdop.NotFoundError as e:
                err = e.code
            return info.identity.hostname, err, mods
    host, err, mods = asyncio.run(main())
    from cmdop.core.v1 import envelope_pb2, machines_pb2
    e = _core.Envelope()
    same = [_core.Envelope is envelope_pb2.Envelope,
            type(e.machine_info_resp) is machines_pb2.MachineInfoResponse,
            _core.K.Name(_core._KIND_ERROR) == "KIND_ERROR"]
    print(json.dumps({{"impl": api_implementation.Type(), "host": host, "err": err,
                      "mods": mods, "same": same}}))
"""


def test_first_call_on_upb_skips_the_pb2_modules(relay: Relay) -> None:
    out = _fresh(_FIRST_CALL.format(core=CORE, machine=MACHINE),
                 CMDOP_TOKEN=relay.token, CMDOP_BASE_URL=relay.url,
                 PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION="upb")
    assert out["impl"] == "upb" and out["host"] and out["err"] == "not_found"
    assert "cmdop.core.v1._files" in out["mods"]
    assert [m for m in out["mods"] if m.endswith("_pb2") or m in _PB2_MACHINERY] == []
    assert out["same"] == [True, True, True]  # envelope_pb2 imported after: one family


def test_first_call_on_the_python_backend_uses_the_pb2_modules(relay: Relay) -> None:
    out = _fresh(_FIRST_CALL.format(core=CORE, machine=MACHINE),
                 CMDOP_TOKEN=relay.token, CMDOP_BASE_URL=relay.url,
                 PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION="python")
    assert out["impl"] == "python" and out["host"] and out["err"] == "not_found"
    assert "cmdop.core.v1.envelope_pb2" in out["mods"]
    assert "cmdop.core.v1._files" not in out["mods"]
    assert out["same"] == [True, True, True]


def test_pb2_modules_imported_first_give_the_same_classes() -> None:
    out = _fresh("""
        import json
        from cmdop.core.v1 import common_pb2, envelope_pb2
        from cmdop import _core, _pb
        env, kind = _pb.load()
        e = env(id=1, kind=kind.KIND_ERROR, hello={"version": "v"})
        print(json.dumps([env is envelope_pb2.Envelope, type(e.hello) is common_pb2.Hello,
                          _core.Envelope is env, kind.KIND_DONE == common_pb2.KIND_DONE,
                          envelope_pb2.Envelope.FromString(e.SerializeToString()) == e]))
    """, PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION="upb")
    assert out == [True, True, True, True, True]


def test_files_are_the_ones_the_pb2_modules_register() -> None:
    """core/v1/_files.py and the *_pb2.py modules come from one protoc run (make gen):
    the same bytes per file (else a pool holding both raises on the second)."""
    from google.protobuf import descriptor_pb2

    from cmdop.core.v1 import _files, envelope_pb2
    registered = {f.name: f.serialized_pb for f in
                  [envelope_pb2.DESCRIPTOR, *envelope_pb2.DESCRIPTOR.dependencies]}
    names = [descriptor_pb2.FileDescriptorProto.FromString(b).name for b in _files.FILES]
    assert names[-1] == "cmdop/core/v1/envelope.proto" and sorted(names) == sorted(registered)
    assert all(registered[n] == b for n, b in zip(names, _files.FILES))
