"""The hand-written shim: find cmdop-core (_binary.py), run it once per client, frame and
demultiplex protobuf envelopes over its stdio (docs/stdio.md), the async
stream object and the page iteration (the core pages; this only asks for the
next page). Everything typed (ops, records, errors, frames, config) is generated.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Union

from ._binary import resolve_binary as resolve_binary  # re-exported as cmdop.resolve_binary
from ._gen import IDL_HASH
from .errors import CmdopError, ConnectionError, NotFoundError, error_from_info

if TYPE_CHECKING:
    from .core.v1 import common_pb2
    from .core.v1.envelope_pb2 import Envelope
    K = common_pb2.Kind
    _TERMINAL: tuple[int, ...]
    _KIND_REQUEST: common_pb2.Kind
    _KIND_ERROR: common_pb2.Kind


def _load_pb() -> None:
    """Imports protobuf and the envelope (_pb.load: about 6 ms on upb, 17 ms through
    the *_pb2 modules) and binds Envelope, K and the kinds below. Not done by
    `import cmdop`: a client's first call starts the core's process first, so both
    load at once (docs/performance.md "Cold start (Python)"). Every path that
    handles an envelope runs after this (the envelope is built by _resources,
    which calls it)."""
    from ._pb import load
    env, k = load()
    g = globals()
    g["Envelope"] = env
    g["K"] = k
    g["_TERMINAL"] = (k.KIND_RESPONSE, k.KIND_DONE, k.KIND_ERROR)
    g["_KIND_REQUEST"] = k.KIND_REQUEST
    g["_KIND_ERROR"] = k.KIND_ERROR


def __getattr__(name: str) -> Any:
    """`from cmdop._core import Envelope` (tests, tools) loads protobuf then."""
    if name in ("Envelope", "K", "_TERMINAL", "_KIND_REQUEST", "_KIND_ERROR"):
        _load_pb()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_Item = Union["Envelope", BaseException]  # a frame, or the loss of the core
# What a stream's queue holds: a frame still serialized (decoded when taken, so
# frames waiting in a queue are bytes, which the cyclic GC does not track: a
# chunk of thousands of decoded envelopes made it scan them over and over), or
# the loss of the core.
_Raw = Union[bytes, BaseException]
# Backpressure (docs/reliability.md "Bounded memory"): a call's queue holding
# _MAX_QUEUED frames makes the reader stop reading the core until its consumer
# took it down to _LOW_QUEUED; the core's pipe then fills, its stream pump blocks
# and the core pauses the HTTP transfer. The reader goes on at once when another
# call is awaiting its next frame (that consumer may be what the slow one waits on).
_MAX_QUEUED = 256
_LOW_QUEUED = 64
# A loop pass that sends more frames than this (10,000 asks started at once) writes
# them in batches of this many, so the core starts on the first while the rest
# are still being built; two list entries per frame (length prefix, body).
_FLUSH_AT = 2 * 64
# A frame's length prefix; most envelopes are under 128 bytes: one byte, prebuilt.
_VARINT1 = [bytes((n,)) for n in range(128)]


def _id_of(raw: bytes) -> int:
    """The varint after raw[0] (an envelope's id of three bytes or more)."""
    n, shift = 0, 0
    for b in raw[1:11]:
        n |= (b & 0x7F) << shift
        if not b & 0x80:
            return n
        shift += 7
    raise ValueError("envelope id too long")


def _varint(n: int) -> bytes:
    if n < 128:
        return _VARINT1[n]
    out = bytearray()
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    return bytes(out + bytes([n]))


async def _read_frame(r: asyncio.StreamReader) -> Envelope | None:
    """One length-prefixed Envelope; None at EOF between frames, EOFError inside one."""
    b = await r.read(1)
    if not b:
        return None
    n, shift = b[0] & 0x7F, 7
    while b[0] & 0x80:
        if shift > 63:
            raise ValueError("frame length prefix too long")
        b = await r.readexactly(1)
        n |= (b[0] & 0x7F) << shift
        shift += 7
    return Envelope.FromString(await r.readexactly(n))


_LOG = logging.getLogger("cmdop")
# The core's log lines on its stderr (docs/stdio.md "Logs"): "<time> <LEVEL> <message>".
_LOG_LINE = re.compile(r"^\S+ (ERROR|WARN|INFO|DEBUG) (.*)$")
_LEVELS = {"ERROR": logging.ERROR, "WARN": logging.WARNING, "INFO": logging.INFO,
           "DEBUG": logging.DEBUG}


async def _forward_stderr(r: asyncio.StreamReader) -> None:
    """Every line the core writes on stderr goes to logging.getLogger("cmdop"): its own
    level for a log line (CMDOP_LOG), WARNING for a diagnostic."""
    with contextlib.suppress(Exception):
        while line := await r.readline():
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if m := _LOG_LINE.match(text):
                _LOG.log(_LEVELS[m.group(1)], "%s", m.group(2))
            elif text:
                _LOG.warning("%s", text)


def _check(item: _Item, stream: bool = False) -> Envelope:
    """The frame itself; raises the core's loss, or the typed error of an ERROR."""
    if isinstance(item, BaseException):
        raise item
    if item.kind == _KIND_ERROR:
        raise error_from_info(item.error, stream=stream)
    return item


class _Sink:
    """The frames of one open call (a stream, a page iteration, a handle) in arrival
    order. The reader appends every frame of a chunk and wakes the consumer once;
    the consumer takes them without an await per frame while any are here."""

    __slots__ = ("items", "waiter", "proc")

    def __init__(self, proc: _Process) -> None:
        self.items: deque[_Raw] = deque()
        self.waiter: asyncio.Future[None] | None = None
        self.proc = proc

    def push(self, item: _Raw) -> None:
        self.items.append(item)
        if self.waiter is not None:
            self.wake()

    def wake(self) -> None:
        w = self.waiter
        self.waiter = None
        if w is not None and not w.done():
            w.set_result(None)

    def empty(self) -> bool:
        return not self.items

    def waiting(self) -> bool:
        w = self.waiter
        return w is not None and not w.done()

    def wait(self) -> asyncio.Future[None]:
        """What to await while the queue is empty (a plain future, not a coroutine:
        one object less per frame for the GC)."""
        w = self.waiter = self.proc.loop.create_future()
        if self.proc.paused is not None:  # another call waits now: read on
            self.proc.check_pause()
        return w

    def take(self) -> _Item:
        """The oldest frame, decoded (the queue is not empty); lets a reader paused on
        this queue go on once it is down to _LOW_QUEUED."""
        item = self.items.popleft()
        if self.proc.paused is self and len(self.items) <= _LOW_QUEUED:
            self.proc.check_pause()
        return self.proc.decode(item)

    async def get(self) -> _Item:
        while not self.items:
            await self.wait()
        return self.take()


_Waiter = Union[_Sink, "asyncio.Future[_Item]"]


class _CoreProtocol(asyncio.subprocess.SubprocessStreamProtocol):
    """The core's stdout, cut into envelopes as it arrives (no reader task, no
    StreamReader copy): every envelope of a chunk goes to its call by id, a unary
    call's future directly. stdin and stderr stay asyncio's streams."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(limit=1 << 16, loop=loop)
        self.buf = b""
        self.hello: asyncio.Future[Envelope | None] = loop.create_future()
        self.owner: _Process | None = None
        self.lost: CmdopError | None = None

    def pipe_data_received(self, fd: int, data: bytes | str) -> None:
        if fd != 1:
            super().pipe_data_received(fd, data)
            return
        assert isinstance(data, bytes)
        self.buf = self.buf + data if self.buf else data
        if "Envelope" in globals():  # else _Conn._spawn parses it once protobuf is loaded
            self.parse()

    def parse(self) -> None:
        """Routes every whole envelope in buf by its id, still serialized; stops early
        while reading is paused."""
        buf, i, end = self.buf, 0, len(self.buf)
        owner = self.owner
        from_string = Envelope.FromString
        try:
            while i < end:
                if owner is None and self.hello.done():
                    break  # the rest waits for the _Process (only the hello comes first)
                n = buf[i]
                j = i + 1
                if n & 0x80:
                    n &= 0x7F
                    shift, whole = 7, False
                    while j < end:
                        b = buf[j]
                        j += 1
                        n |= (b & 0x7F) << shift
                        if not b & 0x80:
                            whole = True
                            break
                        shift += 7
                        if shift > 63:
                            raise ValueError("frame length prefix too long")
                    if not whole:  # the prefix itself is cut: the rest comes next
                        break
                if j + n > end:
                    break
                raw = buf[j:j + n]
                i = j + n
                if owner is None:
                    self.hello.set_result(from_string(raw))
                    continue
                # The id (field 1, a varint) leads: the core's protobuf-c writes
                # fields in number order. Ids up to 16383 take one or two bytes.
                if n > 2 and raw[0] == 0x08:
                    call_id = raw[1]
                    if call_id & 0x80:
                        b = raw[2]
                        call_id = (call_id & 0x7F) | (b << 7) if b < 0x80 else _id_of(raw)
                else:  # id 0 is not written; anything else is parsed whole
                    call_id = from_string(raw).id
                if owner.route(call_id, raw):  # a queue is full: stop until it drained
                    break
        except Exception as exc:  # noqa: BLE001 - a corrupt stream ends the core's link
            self.buf = b""
            self.fail(ConnectionError(f"core read loop failed: {exc!r}"))
            return
        self.buf = buf[i:] if i else buf

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if fd == 1:
            if self.buf:
                self.fail(ConnectionError("core read loop failed: "
                                          f"{EOFError('the core output ended inside a frame')!r}"))
            else:
                self.fail(ConnectionError("cmdop-core exited"))
        super().pipe_connection_lost(fd, exc)

    def fail(self, err: CmdopError) -> None:
        self.lost = self.lost or err
        if not self.hello.done():
            self.hello.set_result(None)
        if self.owner is not None:
            self.owner.fail(err)


class _Process:
    """One running core: its protocol routes each frame to its call by id."""

    def __init__(self, proc: asyncio.subprocess.Process, protocol: _CoreProtocol,
                 transport: asyncio.SubprocessTransport) -> None:
        self.proc = proc
        self.protocol = protocol
        self.loop = asyncio.get_running_loop()
        self.sinks: dict[int, _Waiter] = {}
        self.next_id = 1
        self.dead: CmdopError | None = None
        self.paused: _Sink | None = None  # the call whose full queue paused the reader
        self._paused_id = 0
        self._timer: asyncio.TimerHandle | None = None
        out = transport.get_pipe_transport(1)
        self._stdout = out if isinstance(out, asyncio.ReadTransport) else None
        self._out: list[bytes] = []
        self._flush_pending = False
        self.logs = (self.loop.create_task(_forward_stderr(proc.stderr))
                     if proc.stderr is not None else None)
        protocol.owner = self
        if protocol.lost is not None:
            self.fail(protocol.lost)
        elif protocol.buf:
            protocol.parse()

    def route(self, call_id: int, raw: bytes) -> bool:
        """Gives the serialized envelope `raw` to call `call_id`: a stream's queue keeps
        it as it is, a unary call's future gets it decoded. True when that call's queue
        is full and no other call waits for a frame (the reader then pauses:
        backpressure)."""
        s = self.sinks.get(call_id)
        if s is None:  # a call already ended or cancelled
            return False
        if isinstance(s, _Sink):
            items = s.items
            items.append(raw)
            if s.waiter is not None:
                s.wake()
            return len(items) >= _MAX_QUEUED and self.full(s, call_id)
        del self.sinks[call_id]
        if not s.done():
            s.set_result(Envelope.FromString(raw))
        return False

    def decode(self, raw: _Raw) -> _Item:
        """A queued frame decoded. Bytes that are not an envelope end the core's link
        for every call, as a corrupt read does (parse): the error is the item."""
        if not isinstance(raw, bytes):
            return raw
        try:
            return Envelope.FromString(raw)
        except Exception as exc:  # noqa: BLE001 - protobuf's DecodeError, whatever its backend
            err = ConnectionError(f"core read loop failed: {exc!r}")
            self.protocol.fail(err)
            return err

    def full(self, s: _Sink, call_id: int) -> bool:
        """s holds _MAX_QUEUED frames: pauses the reader (True) unless another call
        waits for a frame."""
        if self._others_wait(s):
            return False
        self.paused, self._paused_id = s, call_id
        if self._stdout is not None:
            self._stdout.pause_reading()
        self._arm()
        return True

    def _others_wait(self, s: _Sink) -> bool:
        for o in self.sinks.values():
            if o is s:
                continue
            if isinstance(o, _Sink):
                if o.waiting():
                    return True
            elif not o.done():
                return True
        return False

    def _arm(self) -> None:
        if self._timer is None:
            self._timer = self.loop.call_later(0.002, self._poll)

    def _poll(self) -> None:
        self._timer = None
        self.check_pause()

    def check_pause(self) -> None:
        """Reads on once the paused call's queue is down to _LOW_QUEUED, the call
        ended, or another call waits for a frame; else checks again in 2 ms."""
        s = self.paused
        if s is None:
            return
        if (len(s.items) > _LOW_QUEUED and self.sinks.get(self._paused_id) is s
                and not self._others_wait(s) and self.dead is None):
            self._arm()
            return
        self.paused = None
        self.protocol.parse()
        if self.paused is None and self._stdout is not None and not self._stdout.is_closing():
            self._stdout.resume_reading()

    def fail(self, err: CmdopError) -> None:
        """Every pending call and open stream gets `err`; the next call spawns a fresh core."""
        self.dead = self.dead or err
        if self.paused is not None:  # read on (and drop): a core blocked on its pipe never exits
            self.paused = None
            if self._stdout is not None and not self._stdout.is_closing():
                self._stdout.resume_reading()
        sinks = list(self.sinks.values())
        self.sinks.clear()
        for s in sinks:
            if isinstance(s, _Sink):
                s.push(err)
            elif not s.done():
                s.set_result(err)

    def write(self, env: Envelope) -> None:
        """Sends one frame: at once when it is the only call in flight; else queued,
        and the frames of one loop pass go out in one write (50 concurrent calls:
        one syscall, not 50). Frames never interleave: each is written whole."""
        if self.dead is not None:
            raise self.dead
        body = env.SerializeToString()
        if not self._flush_pending and len(self.sinks) <= 1:
            stdin = self.proc.stdin
            if stdin is not None and not stdin.is_closing():
                stdin.write(_varint(len(body)) + body)
            return
        self._out.append(_varint(len(body)))
        self._out.append(body)
        if len(self._out) >= _FLUSH_AT:
            self.flush()  # keep the flush scheduled: later frames of this pass join the next batch
            self._flush_pending = True
        elif not self._flush_pending:
            self._flush_pending = True
            self.loop.call_soon(self.flush)

    def flush(self) -> None:
        self._flush_pending = False
        if self._out:
            data = b"".join(self._out)
            self._out.clear()
            stdin = self.proc.stdin
            if stdin is not None and not stdin.is_closing():
                stdin.write(data)

    def open(self, env: Envelope, kind: common_pb2.Kind | None = None) -> _Sink:
        """Sends env as `kind` (REQUEST when None, PAGES or COLLECT) on a new id; its
        frames queue up."""
        env.id, env.kind = self.next_id, _KIND_REQUEST if kind is None else kind
        self.next_id += 1
        s = _Sink(self)
        self.sinks[env.id] = s
        self.write(env)
        if self.paused is not None:
            self.check_pause()
        return s

    def open_unary(self, env: Envelope) -> asyncio.Future[_Item]:
        """Sends env as a REQUEST on a new id; the future gets its one answer."""
        call_id = self.next_id
        self.next_id = call_id + 1
        env.id = call_id
        env.kind = _KIND_REQUEST
        f: asyncio.Future[_Item] = self.loop.create_future()
        self.sinks[call_id] = f
        self.write(env)
        if self.paused is not None:
            self.check_pause()
        return f

    def cancel(self, call_id: int) -> None:
        s = self.sinks.pop(call_id, None)
        if s is not None and s is self.paused:
            self.check_pause()
        if self.dead is None:
            self.write(Envelope(id=call_id, kind=K.KIND_CANCEL))


# A core process started by _Conn.prestart: its binary, process, protocol, transport.
_Started = tuple[str, asyncio.subprocess.Process, _CoreProtocol, asyncio.SubprocessTransport]


async def _stop(proc: asyncio.subprocess.Process) -> None:
    """EOF on the core's stdin lets it exit; after 5 s it is killed."""
    if proc.stdin is not None and not proc.stdin.is_closing():
        proc.stdin.close()
    try:
        await asyncio.wait_for(proc.wait(), 5)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()


class _Conn:
    """A client's link to its core: spawned lazily on the first call, once; again after a crash."""

    def __init__(self, binary_path: str | None, env: Mapping[str, str], fleet_id: str | None):
        self.binary_path, self.env, self.fleet_id = binary_path, dict(env), fleet_id
        self.proc: _Process | None = None
        self.closed = False
        self._lock = asyncio.Lock()  # one spawn at a time
        self._started: _Started | None = None  # a process started by prestart, no handshake yet

    async def prestart(self) -> None:
        """Starts the core's process when none runs, without its handshake (the
        next process() does that), then loads protobuf while the core starts up:
        a client's first call, before it builds its request. Raises nothing: a
        failed start is tried again, and raised, by process(), so a call's own
        ValidationError still comes first."""
        if (not self.closed and self.proc is None and self._started is None
                and not self._lock.locked()):
            async with self._lock:
                if self.proc is None and self._started is None and not self.closed:
                    with contextlib.suppress(CmdopError, OSError):  # OSError: no binary
                        self._started = await self._start()
                    if self.closed and self._started is not None:  # aclose() ran meanwhile
                        started, self._started = self._started, None
                        await _stop(started[1])
        _load_pb()

    async def process(self) -> _Process:
        if self.closed:
            raise ConnectionError("client closed")
        async with self._lock:
            if self.proc is None or self.proc.dead is not None:
                self.proc = await self._spawn()
            return self.proc

    async def _start(self) -> _Started:
        binary = resolve_binary(self.binary_path)
        loop = asyncio.get_running_loop()
        try:
            # asyncio.create_subprocess_exec, with our protocol on stdout
            transport, protocol = await loop.subprocess_exec(
                lambda: _CoreProtocol(loop), binary, "--stdio", stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=self.env)
        except OSError as exc:
            raise ConnectionError(f"cmdop-core spawn failed: {exc}") from exc
        return binary, asyncio.subprocess.Process(transport, protocol, loop), protocol, transport

    async def _spawn(self) -> _Process:
        started, self._started = self._started, None
        binary, proc, protocol, transport = started or await self._start()
        _load_pb()
        if protocol.buf and protocol.owner is None:  # the hello came before protobuf
            protocol.parse()
        try:  # the core's first frame: hello {version, idl_hash} on id 0
            hello = await asyncio.wait_for(asyncio.shield(protocol.hello), 10)
        except asyncio.TimeoutError:
            hello = None
        if hello is not None and hello.hello.idl_hash == IDL_HASH:
            p = _Process(proc, protocol, transport)
            # our hello back, before any request: "absent = not passed" for this
            # client (a 1.1 client never sends one; docs/stdio.md "Presence").
            # Set field by field: importing common_pb2 for Hello would load the
            # *_pb2 machinery that _load_pb does without.
            hello_env = Envelope(id=0, kind=K.KIND_REQUEST)
            hello_env.hello.version = "python"
            hello_env.hello.idl_hash = IDL_HASH
            p.write(hello_env)
            return p
        if proc.returncode is None:
            proc.kill()
        await proc.wait()
        if proc.stderr is not None:  # why it failed, if it said
            with contextlib.suppress(Exception):
                await asyncio.wait_for(_forward_stderr(proc.stderr), 1)
        if hello is None or hello.WhichOneof("payload") != "hello":
            raise ConnectionError(f"no handshake from {binary}")
        raise CmdopError(f"IDL mismatch: the core {binary} was built from IDL "
                         f"{hello.hello.idl_hash}, this client from IDL {IDL_HASH}; "
                         f"use a matching cmdop-core", code="idl_mismatch")

    async def unary(self, env: Envelope) -> Envelope:
        """REQUEST -> RESPONSE; an ERROR raises its typed error."""
        p = self.proc
        if p is None or p.dead is not None or self.closed:
            p = await self.process()
        f = p.open_unary(env)
        try:
            out = await f
        except asyncio.CancelledError:
            p.cancel(env.id)
            raise
        if out.__class__ is Envelope and out.kind != _KIND_ERROR:  # type: ignore[union-attr]
            return out  # type: ignore[return-value]
        return _check(out)

    def pages(self, env: Envelope) -> _Pages:
        """The pages of a list op's request env, each asked of the core (PAGES, NEXT)."""
        return _Pages(self, env)

    async def aclose(self) -> None:
        """EOF on stdin lets the core drain; after 5 s it is killed. Idempotent."""
        self.closed = True
        p, self.proc = self.proc, None
        started, self._started = self._started, None
        if started is not None:  # started for a call that failed before it was sent
            await _stop(started[1])
        if p is None:
            return
        p.flush()  # what is queued (a cancel, say) goes out before the EOF
        p.fail(ConnectionError("client closed"))
        if p.proc.stdin is not None and not p.proc.stdin.is_closing():
            p.proc.stdin.close()
        try:
            await asyncio.wait_for(p.proc.wait(), 5)
        except asyncio.TimeoutError:
            p.proc.kill()
            await p.proc.wait()
        if p.logs is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(p.logs, 1)


class _Pages:
    """One page iteration in the core (docs/stdio.md "Pages"): PAGES opens it and
    brings the first page, each NEXT one more; the core's pager decides when it
    ends (DONE). The response arms come back as envelopes; close() (also on
    break, through the generated helper's finally) releases the core's iterator."""

    def __init__(self, conn: _Conn, env: Envelope) -> None:
        self._conn, self._env = conn, env
        self._proc: _Process | None = None
        self._q: _Sink | None = None
        self._done = False

    def __aiter__(self) -> _Pages:
        return self

    async def __anext__(self) -> Envelope:
        if self._done:
            raise StopAsyncIteration
        if self._proc is None or self._q is None:
            self._proc = await self._conn.process()
            self._q = self._proc.open(self._env, K.KIND_PAGES)
        elif self._q.empty():  # else the end (or a failure) is already here
            self._proc.write(Envelope(id=self._env.id, kind=K.KIND_NEXT))
        try:
            item = await self._q.get()
        except asyncio.CancelledError:
            self.close()
            raise
        if isinstance(item, BaseException) or item.kind != K.KIND_EVENT:
            self._done = True
            self._proc.sinks.pop(self._env.id, None)
            if _check(item).kind == K.KIND_DONE:
                raise StopAsyncIteration
        return _check(item)

    def close(self) -> None:
        """Releases the iterator in the core if it is still open (CANCEL). Idempotent."""
        if self._proc is None or self._done:
            self._done = True
            return
        self._done = True
        self._proc.cancel(self._env.id)


_F = TypeVar("_F")


class _Stream(Generic[_F]):
    """One stream call of any stream op: sent on the first iteration, frames (decoded
    by the op's generated `decode`) until DONE (or a raised ERROR)."""

    def __init__(self, conn: _Conn, env: Envelope, decode: Callable[[Envelope], _F]) -> None:
        self._conn, self._env, self._decode = conn, env, decode
        self._proc: _Process | None = None
        self._done = False

    async def __aiter__(self) -> AsyncIterator[_F]:
        if self._proc is not None or self._done:
            raise RuntimeError("a stream can be iterated only once")
        p = self._proc = await self._conn.process()
        q = p.open(self._env)
        items, decode = q.items, self._decode
        popleft, terminal, decoded = items.popleft, _TERMINAL, p.decode
        item: _Item
        try:
            while not self._done:
                # the frames already here are taken without an await each
                if items and (p.paused is not q or len(items) > _LOW_QUEUED):
                    item = decoded(popleft())
                else:  # wait, or let a paused reader go on
                    while not items:
                        await q.wait()
                    item = q.take()
                if isinstance(item, BaseException) or item.kind in terminal:
                    self._done = True
                    yield decode(_check(item, stream=True))
                else:
                    yield decode(item)
                del item  # not held while the next frame is awaited (the GC would scan it)
        finally:  # runs on break too (the async generator is closed): cancel in the core
            self._finish()

    def _finish(self) -> None:
        if self._proc is None:
            return
        if self._done:
            self._proc.sinks.pop(self._env.id, None)
        else:
            self._done = True
            self._proc.cancel(self._env.id)

    def _answer(self, env: Envelope) -> Awaitable[None]:
        if self._proc is None:
            raise RuntimeError("answer before the stream started: iterate it first")
        env.id, env.kind = self._env.id, K.KIND_ANSWER
        self._proc.write(env)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)  # already sent: awaiting it is optional (1.1.0 code may not)
        return done

    async def collect(self) -> str:
        """The answer's text, collected by the core with its one rule (COLLECT,
        docs/stdio.md "Collect"): done.text if not empty, else the concatenated
        event deltas. Instead of iterating: a stream is read only once."""
        if self._proc is not None or self._done:
            raise RuntimeError("a stream can be iterated only once")
        self._proc = await self._conn.process()
        q = self._proc.open(self._env, K.KIND_COLLECT)
        try:
            item = await q.get()
        except asyncio.CancelledError:
            self._finish()
            raise
        self._done = True
        self._finish()
        return _check(item, stream=True).collected.text

    async def aclose(self) -> None:
        """Cancels the stream in the core if it is still open."""
        self._finish()


_E = TypeVar("_E")
_H = TypeVar("_H", bound="_Handle[Any]")


class _Handle(Generic[_E]):
    """What a `local` op opened in the core (docs/stdio.md "Handles"): the core
    pushes its state and events on the open request's id until DONE or ERROR;
    a method is a REQUEST of its own naming that id. Events not read yet are
    kept, at most MAX_EVENTS (the oldest dropped), so an unread handle does not
    grow memory."""

    MAX_EVENTS = 1024

    def __init__(self, conn: _Conn, env: Envelope, decode: Callable[[Envelope], _E],
                 state_arm: str, state_of: Callable[[Envelope], str]) -> None:
        self._conn, self._env, self._decode = conn, env, decode
        self._state_arm, self._state_of = state_arm, state_of
        self._state = ""
        self._proc: _Process | None = None
        self._events: deque[_E] = deque(maxlen=self.MAX_EVENTS)
        self._wake = asyncio.Event()
        self._end: BaseException | None = None
        self._closed = False
        self._iterated = False
        self._task: asyncio.Task[None] | None = None

    @property
    def closed(self) -> bool:
        """True once the core ended the handle (after stop(), a failure or a cancel)."""
        return self._closed

    async def _open(self: _H) -> _H:
        if self._proc is not None:
            return self
        self._proc = await self._conn.process()
        q = self._proc.open(self._env)
        try:
            first = _check(await q.get())
        except BaseException:
            if self._proc is not None:
                self._proc.sinks.pop(self._env.id, None)
            self._closed = True
            raise
        self._take(first)
        self._task = asyncio.get_running_loop().create_task(self._pump(q))
        return self

    def _take(self, env: Envelope) -> None:
        if env.WhichOneof("payload") == self._state_arm:
            self._state = self._state_of(env)
        elif env.kind == K.KIND_EVENT:
            self._events.append(self._decode(env))

    async def _pump(self, q: _Sink) -> None:
        try:
            while True:
                item = await q.get()
                if isinstance(item, BaseException):
                    self._end = item
                    break
                if item.kind == K.KIND_ERROR:
                    self._end = error_from_info(item.error)
                    break
                self._take(item)
                self._wake.set()
                if item.kind == K.KIND_DONE:
                    break
        finally:
            self._closed = True
            if self._proc is not None:
                self._proc.sinks.pop(self._env.id, None)
            self._wake.set()

    async def events(self) -> AsyncIterator[_E]:
        """The handle's events in order, until it ends; its failure is raised.
        Iterated once."""
        if self._iterated:
            raise RuntimeError("a handle's events can be iterated only once")
        self._iterated = True
        await self._open()
        while True:
            if self._events:
                yield self._events.popleft()
                continue
            if self._closed:
                if self._end is not None:
                    raise self._end
                return
            self._wake.clear()
            await self._wake.wait()

    async def _method(self, env: Envelope) -> Envelope | None:
        """Runs a method (env's request arm with `handle` set here) on the open
        handle and returns the core's answer; None when the handle was never
        opened or had ended without a failure (nothing ran)."""
        if self._proc is None:
            return None
        if self._closed:
            # Ended already (its ERROR read before this call): a failure is
            # the method's answer, the same as when the method races the end.
            if self._end is not None:
                raise self._end
            return None
        try:
            return await self._conn.unary(env)
        except CmdopError as e:
            if e.code != "not_found":
                raise
            # The core ended the handle (a failure, say) before this method
            # reached it; its DONE or ERROR is already on its way. A failure
            # is the method's answer, as when the method reaches the engine.
            await self._wait_closed()
            if self._end is not None:
                raise self._end from None
            return None

    async def _call(self, env: Envelope) -> Envelope:
        """A method that answers a record: as _method, and a handle that had
        ended (or never opened) is an error, since there is no record to give."""
        out = await self._method(env)
        if out is None:
            raise NotFoundError("the handle has ended", code="not_found")
        return out

    async def _wait_closed(self) -> None:
        """Until the core ended the handle (its DONE or ERROR arrived)."""
        if self._task is not None and not self._closed:
            await asyncio.shield(self._task)

    def cancel(self) -> None:
        """Hard stop in the core (CANCEL): no drain. Idempotent."""
        if self._proc is not None and not self._closed:
            self._proc.cancel(self._env.id)
            self._closed = True
            self._wake.set()

    async def _close(self) -> None:
        """Context-manager exit: the generated aclose() (stop() when the handle has one)."""
        raise NotImplementedError

    async def __aenter__(self: _H) -> _H:
        return await self._open()

    async def __aexit__(self, *exc: object) -> None:
        await self._close()


class _Opening(Generic[_H]):
    """What a `local` op returns: await it for the open handle, or use it as an
    async context manager (the handle is closed on exit)."""

    def __init__(self, handle: _H) -> None:
        self._h = handle

    def __await__(self) -> Generator[Any, None, _H]:
        return self._h._open().__await__()

    async def __aenter__(self) -> _H:
        return await self._h._open()

    async def __aexit__(self, *exc: object) -> None:
        await self._h._close()
