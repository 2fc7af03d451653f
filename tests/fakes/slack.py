"""A fake Slack: the Web API at /api/<method> (apps.connections.open with
the app-level token; chat.postMessage, chat.update, chat.delete with the
bot token; 429 with Retry-After) and Socket Mode: each
apps.connections.open hands out a new one-use ws:// URL whose socket
greets with `hello` and carries events_api / interactive envelopes that
the client must ack with {"envelope_id"} (unacked ones are redelivered
once after 3 s, as Slack does). Wire facts: the shared chat-apis reference
(Slack)."""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Awaitable, Callable

from aiohttp import WSMsgType, web

from fakecore import FakeCore, Msg, PlatformControl

MAX_TEXT = 40000


class Slack(PlatformControl):
    def __init__(self, core: FakeCore, bot_token: str, app_token: str) -> None:
        self.core = core
        self.bot_token = bot_token
        self.app_token = app_token
        self.url = ""
        self.tickets: set[str] = set()
        self.sockets: list[web.WebSocketResponse] = []
        self.acked: list[str] = []
        self.unacked: dict[str, dict[str, Any]] = {}
        self.ts_seq = 0
        self.env_seq = 0
        self.connections = 0
        self.backlog: list[dict[str, Any]] = []
        # set by a drop with "hold_open": apps.connections.open waits on it,
        # so the bot stays reconnecting until POST /_fake/release
        self.open_gate: asyncio.Event | None = None
        self.held = 0

    def state(self) -> dict[str, Any]:
        return {"connections": self.connections, "open_sockets": len(self.sockets),
                "acked": self.acked, "unacked": list(self.unacked)}

    def reset(self) -> None:
        self.acked.clear()
        self.unacked.clear()
        self.release()

    def release(self) -> int:
        """Let the held apps.connections.open calls through; how many were held."""
        gate, self.open_gate = self.open_gate, None
        if gate is None:
            return 0
        gate.set()
        return self.held

    def new_ts(self) -> str:
        self.ts_seq += 1
        return f"{int(time.time())}.{self.ts_seq:06d}"

    async def deliver(self, env: dict[str, Any]) -> None:
        self.unacked[env["envelope_id"]] = env
        if not self.sockets:
            self.backlog.append(env)
            return
        await self.sockets[-1].send_str(json.dumps(env))
        asyncio.get_running_loop().call_later(3, lambda: asyncio.ensure_future(self.redeliver(env)))

    async def redeliver(self, env: dict[str, Any]) -> None:
        if env["envelope_id"] in self.unacked and env.get("retry_attempt", 0) == 0 and self.sockets:
            env = dict(env, retry_attempt=1, retry_reason="timeout")
            await self.sockets[-1].send_str(json.dumps(env))

    def envelope(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.env_seq += 1
        return {"envelope_id": f"env-{self.env_seq}", "type": kind, "payload": payload,
                "accepts_response_payload": kind != "events_api", "retry_attempt": 0,
                "retry_reason": ""}

    async def inject_message(self, body: dict[str, Any]) -> dict[str, Any]:
        user = str(body["user"])
        chat = str(body.get("chat", "D" + user))
        ts = self.new_ts()
        self.core.add_msg(Msg(id=ts, chat=chat, sender=user, text=str(body["text"])))
        event = {"type": "message", "user": user, "text": str(body["text"]), "channel": chat,
                 "ts": ts, "event_ts": ts, "channel_type": "im" if chat.startswith("D") else "channel"}
        env = self.envelope("events_api", {"type": "event_callback", "team_id": "T1",
                                           "api_app_id": "A1", "event_id": "Ev" + ts,
                                           "event_time": int(time.time()), "event": event})
        await self.deliver(env)
        return {"ok": True, "message_id": ts, "envelope_id": env["envelope_id"]}

    async def inject_click(self, body: dict[str, Any]) -> dict[str, Any]:
        user = str(body["user"])
        chat = str(body["chat"])
        m = self.core.msg(chat, str(body["message_id"]))
        if m is None:
            return {"ok": False, "error": "no such message"}
        payload = {
            "type": "block_actions", "user": {"id": user, "username": "u" + user},
            "api_app_id": "A1", "trigger_id": "tr1", "team": {"id": "T1"},
            "container": {"type": "message", "message_ts": m.id, "channel_id": chat},
            "channel": {"id": chat}, "message": {"type": "message", "ts": m.id, "text": m.text},
            "actions": [{"type": "button", "action_id": str(body["data"]), "block_id": "b",
                         "value": str(body["data"]), "action_ts": self.new_ts()}],
        }
        env = self.envelope("interactive", payload)
        await self.deliver(env)
        return {"ok": True, "envelope_id": env["envelope_id"]}

    async def drop(self, body: dict[str, Any]) -> dict[str, Any]:
        mode = body.get("mode", "abort")
        if body.get("hold_open") and self.open_gate is None:
            self.open_gate = asyncio.Event()
            self.held = 0
        for ws in list(self.sockets):
            if mode == "disconnect":
                await ws.send_str(json.dumps({"type": "disconnect", "reason": "refresh_requested",
                                              "debug_info": {"host": "fake"}}))
            else:
                req_transport = getattr(ws, "_req_transport", None)
                if req_transport is not None:
                    req_transport.abort()
        return {"ok": True, "sockets": len(self.sockets)}

    # --- Socket Mode ----------------------------------------------------
    async def socket(self, req: web.Request) -> web.StreamResponse:
        ticket = req.query.get("ticket", "")
        if ticket not in self.tickets:
            return web.Response(status=401, text="invalid ticket")
        self.tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(req)
        ws._req_transport = req.transport  # type: ignore[attr-defined]
        self.sockets.append(ws)
        self.connections += 1
        self.core.bump("socket_connected")
        await ws.send_str(json.dumps({"type": "hello", "num_connections": len(self.sockets),
                                      "connection_info": {"app_id": "A1"},
                                      "debug_info": {"host": "fake", "build_number": 1,
                                                     "approximate_connection_time": 3600}}))
        backlog, self.backlog = self.backlog, []
        for env in backlog:
            await ws.send_str(json.dumps(env))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    continue
                eid = data.get("envelope_id")
                if eid:
                    self.acked.append(eid)
                    self.unacked.pop(eid, None)
                    self.core.record("ack", data)
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
            self.core.bump("socket_closed")
        return ws

    # --- the Web API ----------------------------------------------------
    async def api(self, req: web.Request) -> web.Response:
        method = req.match_info["method"]
        params: dict[str, Any] = {}
        if req.can_read_body:
            if req.content_type == "application/json":
                params = await req.json()
            else:
                params = dict(await req.post())
        auth = req.headers.get("Authorization", "")
        want = self.app_token if method == "apps.connections.open" else self.bot_token
        self.core.record(method, params)
        if auth != "Bearer " + want:
            self.core.calls[-1]["status"] = 200
            return web.json_response({"ok": False, "error": "invalid_auth"})
        f = self.core.take_failure(method)
        if f is not None:
            self.core.calls[-1]["status"] = f.status
            return web.json_response({"ok": False, "error": "ratelimited"}, status=f.status,
                                     headers={"Retry-After": str(int(f.retry_after))})
        fn = getattr(self, "m_" + method.replace(".", "_"), None)
        if fn is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        res: web.Response = await fn(params)
        return res

    async def m_apps_connections_open(self, p: dict[str, Any]) -> web.Response:
        gate = self.open_gate
        if gate is not None:
            self.held += 1
            self.core.bump("open_held")
            await gate.wait()
        ticket = f"t{self.core.new_id()}"
        self.tickets.add(ticket)
        ws_url = self.url.replace("http://", "ws://") + f"/link/?ticket={ticket}&app_id=A1"
        return web.json_response({"ok": True, "url": ws_url})

    @staticmethod
    def buttons(p: dict[str, Any]) -> list[dict[str, str]]:
        out = []
        blocks = p.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        for blk in blocks:
            if blk.get("type") == "actions":
                for el in blk.get("elements", []):
                    out.append({"text": el.get("text", {}).get("text", ""),
                                "data": str(el.get("value", el.get("action_id", "")))})
        return out

    @staticmethod
    def bad_text(p: dict[str, Any]) -> web.Response | None:
        text = p.get("text")
        if not isinstance(text, str) or not text:
            return web.json_response({"ok": False, "error": "no_text"})
        if len(text) > MAX_TEXT:
            return web.json_response({"ok": False, "error": "msg_too_long"})
        return None

    async def m_chat_postMessage(self, p: dict[str, Any]) -> web.Response:
        bad = self.bad_text(p)
        if bad:
            return bad
        chat = str(p.get("channel"))
        ts = self.new_ts()
        self.core.add_msg(Msg(id=ts, chat=chat, sender="bot", text=p["text"],
                              buttons=self.buttons(p)))
        return web.json_response({"ok": True, "channel": chat, "ts": ts,
                                  "message": {"text": p["text"], "ts": ts, "bot_id": "B1"}})

    async def m_chat_update(self, p: dict[str, Any]) -> web.Response:
        bad = self.bad_text(p)
        if bad:
            return bad
        m = self.core.msg(str(p.get("channel")), str(p.get("ts")))
        if m is None or m.deleted:
            return web.json_response({"ok": False, "error": "message_not_found"})
        if m.sender != "bot":
            return web.json_response({"ok": False, "error": "cant_update_message"})
        m.text = p["text"]
        if "blocks" in p:
            m.buttons = self.buttons(p)
        m.edits += 1
        m.edit_times.append(time.monotonic())
        self.core.bump()
        return web.json_response({"ok": True, "channel": m.chat, "ts": m.id, "text": m.text})

    async def m_chat_delete(self, p: dict[str, Any]) -> web.Response:
        m = self.core.msg(str(p.get("channel")), str(p.get("ts")))
        if m is None or m.deleted:
            return web.json_response({"ok": False, "error": "message_not_found"})
        if m.sender != "bot":
            # a bot token deletes only the bot's own messages
            return web.json_response({"ok": False, "error": "cant_delete_message"})
        m.deleted = True
        self.core.bump()
        return web.json_response({"ok": True, "channel": m.chat, "ts": m.id})


def make_app(core: FakeCore, bot_token: str,
             app_token: str) -> tuple[web.Application, Callable[[str], Awaitable[None]]]:
    app = web.Application()
    sl = Slack(core, bot_token, app_token)
    core.routes(app, sl)
    app.router.add_post("/api/{method}", sl.api)
    app.router.add_get("/link/", sl.socket)

    async def release(req: web.Request) -> web.Response:
        return web.json_response({"ok": True, "held": sl.release()})

    app.router.add_post("/_fake/release", release)

    async def started(url: str) -> None:
        sl.url = url

    return app, started
