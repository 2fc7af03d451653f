"""The client's stdout framing (cmdop/_core.py _CoreProtocol): the core's
length-prefixed envelopes arrive in pipe chunks cut anywhere — inside a
length prefix of several bytes, inside a body, many frames per chunk — and
each reaches its call once, whole, in order. A corrupt prefix, or an end of
output inside a frame, fails every call with a ConnectionError."""
from __future__ import annotations

import asyncio
from typing import Any

import cmdop
from cmdop._core import Envelope, _CoreProtocol, _varint
from cmdop.core.v1 import common_pb2, machines_pb2


class _Owner:
    """Stands for _Process: records what the protocol routes and fails."""

    def __init__(self) -> None:
        self.got: list[Envelope] = []
        self.failed: list[BaseException] = []

    def route(self, call_id: int, raw: bytes) -> bool:
        env = Envelope.FromString(raw)
        assert call_id == env.id  # the id read from the raw bytes is the envelope's
        self.got.append(env)
        return False

    def fail(self, err: BaseException) -> None:
        self.failed.append(err)


def _frame(env: Envelope) -> bytes:
    body = env.SerializeToString()
    return _varint(len(body)) + body


def _stream() -> tuple[bytes, list[Envelope]]:
    hello = Envelope(id=0, hello=common_pb2.Hello(version="core", idl_hash="h"))
    envs = [Envelope(id=i, kind=common_pb2.KIND_EVENT,
                     ask_frame=machines_pb2.AskFrame(event=machines_pb2.StreamEvent(
                         event_type=i, payload_json='{"text": "%s"}' % ("x" * (i * 37 % 300)))))
            for i in range(1, 40)]
    # ids whose varint takes one, two, three and five bytes, and id 0 (not written)
    envs += [Envelope(id=i, kind=common_pb2.KIND_EVENT,
                      ask_frame=machines_pb2.AskFrame(event=machines_pb2.StreamEvent(event_type=1)))
             for i in (127, 128, 16383, 16384, 2_000_000, 2**32 - 1, 0)]
    assert any(len(e.SerializeToString()) >= 128 for e in envs)  # two-byte prefixes too
    return _frame(hello) + b"".join(_frame(e) for e in envs), envs


def _protocol() -> tuple[_CoreProtocol, _Owner]:
    p = _CoreProtocol(asyncio.get_running_loop())
    return p, _Owner()


async def test_every_cut_of_the_output_routes_every_frame_once_in_order() -> None:
    data, envs = _stream()
    for size in (1, 2, 3, 7, 64, 1000, len(data)):
        p, owner = _protocol()
        for i in range(0, len(data), size):
            p.pipe_data_received(1, data[i:i + size])
            if p.hello.done() and p.owner is None:
                p.owner = owner  # type: ignore[assignment]  # as _Process does after the handshake
                p.parse()
        hello = p.hello.result()
        assert hello is not None and hello.hello.version == "core"
        assert owner.got == envs, size
        assert p.buf == b"" and not owner.failed


async def test_a_corrupt_length_prefix_fails_the_calls() -> None:
    p, owner = _protocol()
    data, envs = _stream()
    p.pipe_data_received(1, data)
    p.owner = owner  # type: ignore[assignment]
    p.parse()
    p.pipe_data_received(1, b"\xff" * 11)  # a prefix longer than 64 bits
    assert owner.got == envs
    assert len(owner.failed) == 1 and isinstance(owner.failed[0], cmdop.ConnectionError)
    assert "frame length prefix too long" in str(owner.failed[0])


async def test_output_ending_inside_a_frame_fails_the_calls() -> None:
    data, envs = _stream()
    for tail, why in ((b"", "cmdop-core exited"), (b"\x05ab", "ended inside a frame")):
        p, owner = _protocol()
        p.pipe_data_received(1, data[:40])
        p.owner = owner  # type: ignore[assignment]
        p.parse()
        p.pipe_data_received(1, data[40:] + tail)
        p.pipe_connection_lost(1, None)
        assert owner.got == envs
        assert len(owner.failed) == 1 and why in str(owner.failed[0]), (tail, owner.failed)


async def test_no_hello_before_the_end_is_no_handshake() -> None:
    p, _ = _protocol()
    p.pipe_connection_lost(1, None)
    got: Any = await asyncio.wait_for(p.hello, 1)
    assert got is None


ALPHA = "20000000-0000-4000-8000-000000000001"
WORDS = "echo: " + " ".join(f"w{i}" for i in range(3000))


async def _paused(c: cmdop.Client) -> tuple[Any, Any]:
    """A stream whose reader stopped reading: one frame taken, then its queue full."""
    it = c.machines.ask(ALPHA, WORDS).__aiter__()
    await it.__anext__()
    proc = c._conn.proc
    assert proc is not None
    for _ in range(500):
        if proc.paused is not None:
            break
        await asyncio.sleep(0.01)
    assert proc.paused is not None, "the reader never paused"
    assert len(proc.paused.items) <= 256 + 1  # bounded: the chunk's rest stays unparsed
    return it, proc


async def test_close_while_the_reader_is_paused_is_prompt(relay: Any) -> None:
    relay.control("/ask", {"delay_ms": 0, "heartbeat_ms": 0})
    c = relay.client()
    it, _ = await _paused(c)
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await c.aclose()  # the core drains its output to exit: the reader must read on
    assert loop.time() - t0 < 3, "aclose waited for the kill timeout"
    await it.aclose()


async def test_a_paused_reader_reads_on_for_another_call(relay: Any) -> None:
    relay.control("/ask", {"delay_ms": 0, "heartbeat_ms": 0})
    async with relay.client() as c:
        it, proc = await _paused(c)
        info = await asyncio.wait_for(c.machines.info(ALPHA), 10)  # not stuck behind the stream
        assert info.identity is not None
        n = 1
        async for _ in it:
            n += 1
        assert n == 3001  # 3,000 events and the done frame, each once
        assert proc.paused is None


async def test_a_pass_of_many_frames_is_written_in_batches(relay: Any) -> None:
    """A loop pass that sends many frames (10,000 asks started at once) writes them
    every 64 frames as they are built, so the core starts on the first while the rest
    are still being made; the pass's remainder goes out when the pass ends."""
    async with relay.client() as c:
        await c.machines.info(ALPHA)  # the core is up
        proc = c._conn.proc
        assert proc is not None and proc.proc.stdin is not None
        stdin = proc.proc.stdin
        writes: list[int] = []
        real_write = stdin.write

        def counting_write(data: bytes) -> None:
            writes.append(len(data))
            real_write(data)

        stdin.write = counting_write  # type: ignore[method-assign]
        futs = []
        for _ in range(200):  # one pass: no await in between
            env = Envelope()
            env.machine_info_req.machine_id = ALPHA
            futs.append(proc.open_unary(env))
        during = len(writes)
        answers = await asyncio.wait_for(asyncio.gather(*futs), 20)
        assert all(not isinstance(a, BaseException) and a.kind != common_pb2.KIND_ERROR
                   for a in answers)
        # the first at once (the only call then in flight), then every 64 more
        assert during == 1 + (200 - 1) // 64, writes
        assert len(writes) == during + 1  # the rest when the pass ended


async def test_a_corrupt_queued_frame_fails_the_calls(relay: Any) -> None:
    """A stream's frames are decoded when taken: bytes there that are not an envelope
    end the core's link for every call with a ConnectionError, as a corrupt read
    does, not a protobuf error in one stream."""
    relay.control("/ask", {"delay_ms": 5, "stall_after": 1, "stall_ms": 5000})
    async with relay.client() as c:
        it = c.machines.ask(ALPHA, "echo: a b c").__aiter__()
        await it.__anext__()
        proc = c._conn.proc
        assert proc is not None
        (call_id,) = proc.sinks  # the stream, stalled after its first frame
        proc.route(call_id, b"\x08\x01\x12\xff")  # a length past the end
        try:
            await asyncio.wait_for(it.__anext__(), 5)
        except cmdop.ConnectionError as e:
            assert "core read loop failed" in str(e)
        else:
            raise AssertionError("the corrupt frame was taken as a frame")
        assert proc.dead is not None
