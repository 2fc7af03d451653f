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
from typing import Any, Generic, TypeVar, Union

from ._binary import resolve_binary as resolve_binary  # re-exported as cmdop.resolve_binary
from ._gen import IDL_HASH
from .core.v1 import common_pb2, envelope_pb2
from .errors import CmdopError, ConnectionError, error_from_info

Envelope = envelope_pb2.Envelope
K = common_pb2.Kind
_Item = Union[Envelope, BaseException]  # a frame, or the loss of the core
# Backpressure (docs/reliability.md "Bounded memory"): a call's queue holding
# _MAX_QUEUED frames makes the reader stop reading the core until its consumer
# took it down to _LOW_QUEUED; the core's pipe then fills, its stream pump blocks
# and the core pauses the HTTP transfer. The reader goes on at once when another
# call is awaiting its next frame (that consumer may be what the slow one waits on).
_MAX_QUEUED = 256
_LOW_QUEUED = 64
_TERMINAL = (K.KIND_RESPONSE, K.KIND_DONE, K.KIND_ERROR)


def _varint(n: int) -> bytes:
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


class _Frames:
    """The core's frames, cut from chunks of up to 64 KiB: one `read` for many frames
    instead of one await per byte of each length prefix (docs/performance.md)."""

    _CHUNK = 1 << 16

    def __init__(self, r: asyncio.StreamReader) -> None:
        self._r, self._buf, self._pos = r, b"", 0

    async def next(self) -> Envelope | None:
        """The next Envelope; None at EOF between frames, EOFError inside one."""
        while True:
            buf, i, end = self._buf, self._pos, len(self._buf)
            n = shift = 0
            while i < end:
                b = buf[i]
                i += 1
                n |= (b & 0x7F) << shift
                if not b & 0x80:
                    if i + n <= end:
                        self._pos = i + n
                        return Envelope.FromString(buf[i:i + n])
                    break
                shift += 7
                if shift > 63:
                    raise ValueError("frame length prefix too long")
            chunk = await self._r.read(self._CHUNK)
            if not chunk:
                if self._pos < end:
                    raise EOFError("the core's output ended inside a frame")
                return None
            self._buf, self._pos = buf[self._pos:] + chunk, 0


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
    if item.kind == K.KIND_ERROR:
        raise error_from_info(item.error, stream=stream)
    return item


class _Process:
    """One running core: the reader task routes each frame to its call's queue by id."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.sinks: dict[int, asyncio.Queue[_Item]] = {}
        self.next_id = 1
        self.dead: CmdopError | None = None
        self.reader = asyncio.get_running_loop().create_task(self._read_loop())
        self.logs = (asyncio.get_running_loop().create_task(_forward_stderr(proc.stderr))
                     if proc.stderr is not None else None)

    async def _read_loop(self) -> None:
        assert self.proc.stdout is not None
        err = ConnectionError("cmdop-core exited")
        try:
            frames = _Frames(self.proc.stdout)
            while (env := await frames.next()) is not None:
                if q := self.sinks.get(env.id):  # else a call already ended or cancelled
                    q.put_nowait(env)
                    if q.qsize() >= _MAX_QUEUED:
                        await self._drained(env.id, q)
        except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - any failure ends it
            err = ConnectionError(f"core read loop failed: {exc!r}")
        self.fail(err)

    async def _drained(self, call_id: int, q: asyncio.Queue[_Item]) -> None:
        """Waits while call `call_id`'s queue is over _LOW_QUEUED, it is still open and
        no other call waits for a frame."""
        while (q.qsize() > _LOW_QUEUED and self.sinks.get(call_id) is q and
               not any(getattr(o, "_getters", None) for o in self.sinks.values() if o is not q)):
            await asyncio.sleep(0.002)

    def fail(self, err: CmdopError) -> None:
        """Every pending call and open stream gets `err`; the next call spawns a fresh core."""
        self.dead = self.dead or err
        for q in self.sinks.values():
            q.put_nowait(err)
        self.sinks.clear()

    def write(self, env: Envelope) -> None:
        if self.dead is not None:
            raise self.dead
        assert self.proc.stdin is not None
        body = env.SerializeToString()
        self.proc.stdin.write(_varint(len(body)) + body)  # one write: frames never interleave

    def open(self, env: Envelope, kind: common_pb2.Kind = K.KIND_REQUEST) -> asyncio.Queue[_Item]:
        """Sends env as `kind` (REQUEST, PAGES or COLLECT) on a new id; its frames queue up."""
        env.id, env.kind = self.next_id, kind
        self.next_id += 1
        q: asyncio.Queue[_Item] = asyncio.Queue()
        self.sinks[env.id] = q
        self.write(env)
        return q

    def cancel(self, call_id: int) -> None:
        self.sinks.pop(call_id, None)
        if self.dead is None:
            self.write(Envelope(id=call_id, kind=K.KIND_CANCEL))


class _Conn:
    """A client's link to its core: spawned lazily on the first call, once; again after a crash."""

    def __init__(self, binary_path: str | None, env: Mapping[str, str], fleet_id: str | None):
        self.binary_path, self.env, self.fleet_id = binary_path, dict(env), fleet_id
        self.proc: _Process | None = None
        self.closed = False
        self._lock = asyncio.Lock()  # one spawn at a time

    async def process(self) -> _Process:
        if self.closed:
            raise ConnectionError("client closed")
        async with self._lock:
            if self.proc is None or self.proc.dead is not None:
                self.proc = await self._spawn()
            return self.proc

    async def _spawn(self) -> _Process:
        binary = resolve_binary(self.binary_path)
        try:
            proc = await asyncio.create_subprocess_exec(
                binary, "--stdio", stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=self.env)
        except OSError as exc:
            raise ConnectionError(f"cmdop-core spawn failed: {exc}") from exc
        assert proc.stdout is not None
        try:  # the core's first frame: hello {version, idl_hash} on id 0
            hello = await asyncio.wait_for(_read_frame(proc.stdout), 10)
        except (asyncio.TimeoutError, OSError, EOFError, ValueError):
            hello = None
        if hello is not None and hello.hello.idl_hash == IDL_HASH:
            p = _Process(proc)
            # our hello back, before any request: "absent = not passed" for this
            # client (a 1.1 client never sends one; docs/stdio.md "Presence")
            p.write(Envelope(id=0, kind=K.KIND_REQUEST,
                             hello=common_pb2.Hello(version="python", idl_hash=IDL_HASH)))
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
        p = await self.process()
        q = p.open(env)
        try:
            out = await q.get()
        except asyncio.CancelledError:
            p.cancel(env.id)
            raise
        p.sinks.pop(env.id, None)
        return _check(out)

    def pages(self, env: Envelope) -> _Pages:
        """The pages of a list op's request env, each asked of the core (PAGES, NEXT)."""
        return _Pages(self, env)

    async def aclose(self) -> None:
        """EOF on stdin lets the core drain; after 5 s it is killed. Idempotent."""
        self.closed = True
        p, self.proc = self.proc, None
        if p is None:
            return
        p.fail(ConnectionError("client closed"))
        if p.proc.stdin is not None and not p.proc.stdin.is_closing():
            p.proc.stdin.close()
        try:
            await asyncio.wait_for(p.proc.wait(), 5)
        except asyncio.TimeoutError:
            p.proc.kill()
            await p.proc.wait()
        await p.reader
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
        self._q: asyncio.Queue[_Item] | None = None
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
        self._proc = await self._conn.process()
        q = self._proc.open(self._env)
        try:
            while not self._done:
                item = await q.get()
                self._done = isinstance(item, BaseException) or item.kind in _TERMINAL
                yield self._decode(_check(item, stream=True))
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

    async def _pump(self, q: asyncio.Queue[_Item]) -> None:
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

    async def _method(self, env: Envelope) -> None:
        """Runs a method (env's request arm with `handle` set here) on the open handle."""
        if self._proc is None:
            return
        if self._closed:
            # Ended already (its ERROR read before this call): a failure is
            # the method's answer, the same as when the method races the end.
            if self._end is not None:
                raise self._end
            return
        try:
            await self._conn.unary(env)
        except CmdopError as e:
            if e.code != "not_found":
                raise
            # The core ended the handle (a failure, say) before this method
            # reached it; its DONE or ERROR is already on its way. A failure
            # is the method's answer, as when the method reaches the engine.
            await self._wait_closed()
            if self._end is not None:
                raise self._end from None

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
