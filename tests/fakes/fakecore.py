"""What the three chat-platform fakes share: the recording of every call the
bot made, a normalized view of each chat (messages as the user would see
them after edits and deletes), injected failures, the control API under
/_fake/, and the startup line.

A fake prints one JSON line on stdout once it listens
({"url": "http://127.0.0.1:<port>", "port": <port>, "platform": ...}) and
then serves until SIGTERM/SIGINT. Tests drive it only through /_fake/*
(README.md in this folder)."""
from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from aiohttp import web


@dataclass
class Msg:
    """One message of a chat as its members see it."""

    id: str
    chat: str
    sender: str  # "bot" or the user id
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    deleted: bool = False
    edits: int = 0
    created: float = field(default_factory=time.monotonic)
    edit_times: list[float] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "chat": self.chat,
            "from": self.sender,
            "text": self.text,
            "buttons": self.buttons,
            "deleted": self.deleted,
            "edits": self.edits,
            "edit_gaps_ms": [
                round((b - a) * 1000)
                for a, b in zip([self.created] + self.edit_times, self.edit_times)
            ],
        }


@dataclass
class Failure:
    """Make the next `count` calls of `method` ("*" = any) fail."""

    method: str
    status: int
    retry_after: float
    count: int


class FakeCore:
    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.calls: list[dict[str, Any]] = []
        self.msgs: dict[str, Msg] = {}
        self.order: list[str] = []
        self.failures: list[Failure] = []
        self.counters: dict[str, int] = {}
        self.next_id = 1000
        self.changed = asyncio.Event()

    # --- recording -----------------------------------------------------
    def record(self, method: str, params: Any, status: int = 200) -> None:
        self.calls.append(
            {"method": method, "params": params, "status": status, "t": time.monotonic()}
        )
        self.bump()

    def bump(self, counter: str | None = None) -> None:
        if counter:
            self.counters[counter] = self.counters.get(counter, 0) + 1
        self.changed.set()
        self.changed = asyncio.Event()

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def add_msg(self, m: Msg) -> Msg:
        self.msgs[m.chat + "/" + m.id] = m
        self.order.append(m.chat + "/" + m.id)
        self.bump()
        return m

    def msg(self, chat: str, mid: str) -> Msg | None:
        return self.msgs.get(str(chat) + "/" + str(mid))

    def take_failure(self, method: str) -> Failure | None:
        for f in self.failures:
            if f.count > 0 and f.method in (method, "*"):
                f.count -= 1
                return f
        return None

    def reset(self) -> None:
        self.calls.clear()
        self.msgs.clear()
        self.order.clear()
        self.failures.clear()
        self.counters.clear()

    # --- the control API -----------------------------------------------
    def routes(self, app: web.Application, platform_routes: "PlatformControl") -> None:
        async def calls(req: web.Request) -> web.Response:
            method = req.query.get("method")
            out = [c for c in self.calls if method is None or c["method"] == method]
            return web.json_response(out)

        async def chat(req: web.Request) -> web.Response:
            cid = req.query.get("chat")
            out = [
                self.msgs[k].view()
                for k in self.order
                if cid is None or self.msgs[k].chat == cid
            ]
            return web.json_response(out)

        async def fail(req: web.Request) -> web.Response:
            body = await req.json()
            self.failures.append(
                Failure(
                    method=str(body.get("method", "*")),
                    status=int(body.get("status", 429)),
                    retry_after=float(body.get("retry_after", 1)),
                    count=int(body.get("count", 1)),
                )
            )
            return web.json_response({"ok": True})

        async def state(req: web.Request) -> web.Response:
            return web.json_response(
                {"counters": self.counters, **platform_routes.state()}
            )

        async def reset(req: web.Request) -> web.Response:
            self.reset()
            platform_routes.reset()
            return web.json_response({"ok": True})

        async def wait(req: web.Request) -> web.Response:
            # Long-poll until something changes (or the timeout): tests wait
            # on the fake's state without sleeping.
            ms = float(req.query.get("timeout_ms", "1000"))
            ev = self.changed
            try:
                await asyncio.wait_for(ev.wait(), ms / 1000)
            except asyncio.TimeoutError:
                pass
            return web.json_response({"ok": True})

        async def message(req: web.Request) -> web.Response:
            return web.json_response(await platform_routes.inject_message(await req.json()))

        async def click(req: web.Request) -> web.Response:
            return web.json_response(await platform_routes.inject_click(await req.json()))

        async def drop(req: web.Request) -> web.Response:
            return web.json_response(await platform_routes.drop(await req.json()))

        app.router.add_get("/_fake/calls", calls)
        app.router.add_get("/_fake/chat", chat)
        app.router.add_get("/_fake/state", state)
        app.router.add_get("/_fake/wait", wait)
        app.router.add_post("/_fake/fail", fail)
        app.router.add_post("/_fake/reset", reset)
        app.router.add_post("/_fake/message", message)
        app.router.add_post("/_fake/click", click)
        app.router.add_post("/_fake/drop", drop)


class PlatformControl:
    """What each platform fake implements for the shared control API."""

    async def inject_message(self, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    async def inject_click(self, body: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    async def drop(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ok": False, "error": "nothing to drop"}

    def state(self) -> dict[str, Any]:
        return {}

    def reset(self) -> None:
        pass


def serve(
    app: web.Application,
    platform: str,
    port: int,
    on_started: Callable[[str], Awaitable[None]] | None = None,
) -> None:
    async def main() -> None:
        # A client that went away cancels its handler (a long poll the bot
        # aborted), and shutdown does not wait for open handlers.
        runner = web.AppRunner(app, handle_signals=False, handler_cancellation=True,
                               shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        real_port = int(runner.addresses[0][1])
        url = f"http://127.0.0.1:{real_port}"
        if on_started:
            await on_started(url)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        sys.stdout.write(json.dumps({"url": url, "port": real_port, "platform": platform}) + "\n")
        sys.stdout.flush()
        await stop.wait()
        await runner.cleanup()

    asyncio.run(main())
