"""A fake Discord: REST under /api/v10 (gateway/bot, channel messages
create/edit/delete, interaction callbacks; `Authorization: Bot <token>`;
X-RateLimit-* headers with a bucket of 5 requests per second per channel,
and a real 429 when a client overruns it; injected 429s) and a Gateway v10
WebSocket: HELLO, IDENTIFY -> READY, heartbeats and their ACKs, RESUME with
session_id + seq replaying what was missed, RECONNECT, INVALID_SESSION,
dispatches MESSAGE_CREATE and INTERACTION_CREATE. Wire facts: the shared
chat-apis reference (Discord)."""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Awaitable, Callable

from aiohttp import WSMsgType, web

from fakecore import FakeCore, Msg, PlatformControl

MAX_TEXT = 2000
BUCKET = 5
WINDOW = 1.0


class Session:
    def __init__(self, sid: str) -> None:
        self.id = sid
        self.seq = 0
        self.events: list[dict[str, Any]] = []


class Discord(PlatformControl):
    def __init__(self, core: FakeCore, token: str) -> None:
        self.core = core
        self.token = token
        self.url = ""
        self.heartbeat_ms = 45000
        self.sessions: dict[str, Session] = {}
        self.live: tuple[web.WebSocketResponse, Session, Any] | None = None
        self.identifies = 0
        self.resumes = 0
        self.heartbeats = 0
        self.connections = 0
        self.buckets: dict[str, tuple[float, int]] = {}
        self.violations = 0
        self.interactions: dict[str, dict[str, Any]] = {}
        self.sid_seq = 0

    def state(self) -> dict[str, Any]:
        return {"identifies": self.identifies, "resumes": self.resumes,
                "heartbeats": self.heartbeats, "connections": self.connections,
                "connected": self.live is not None, "bucket_violations": self.violations,
                "interactions": self.interactions}

    def reset(self) -> None:
        self.violations = 0
        self.interactions.clear()

    def current(self) -> Session:
        if self.live:
            return self.live[1]
        if not self.sessions:
            self.sid_seq += 1
            self.sessions["pending"] = Session("pending")
        return list(self.sessions.values())[-1]

    async def dispatch(self, t: str, d: dict[str, Any]) -> None:
        s = self.current()
        s.seq += 1
        frame = {"op": 0, "t": t, "s": s.seq, "d": d}
        s.events.append(frame)
        if self.live:
            await self.live[0].send_str(json.dumps(frame))

    async def inject_message(self, body: dict[str, Any]) -> dict[str, Any]:
        user = str(body["user"])
        chat = str(body.get("chat", "C" + user))
        mid = str(self.core.new_id())
        self.core.add_msg(Msg(id=mid, chat=chat, sender=user, text=str(body["text"])))
        d = {"id": mid, "channel_id": chat, "guild_id": str(body.get("guild", "G1")),
             "author": {"id": user, "username": "u" + user, "bot": bool(body.get("bot", False))},
             "content": str(body["text"]), "timestamp": "2026-01-01T00:00:00+00:00", "type": 0,
             "mentions": []}
        await self.dispatch("MESSAGE_CREATE", d)
        return {"ok": True, "message_id": mid}

    async def inject_click(self, body: dict[str, Any]) -> dict[str, Any]:
        user = str(body["user"])
        chat = str(body["chat"])
        m = self.core.msg(chat, str(body["message_id"]))
        if m is None:
            return {"ok": False, "error": "no such message"}
        iid = str(self.core.new_id())
        itoken = "itok" + iid
        self.interactions[iid] = {"token": itoken, "answered": None}
        d = {"id": iid, "application_id": "APP1", "type": 3, "token": itoken, "version": 1,
             "channel_id": chat, "guild_id": "G1",
             "member": {"user": {"id": user, "username": "u" + user}, "permissions": "0"},
             "data": {"custom_id": str(body["data"]), "component_type": 2},
             "message": {"id": m.id, "channel_id": chat, "content": m.text}}
        await self.dispatch("INTERACTION_CREATE", d)
        return {"ok": True, "interaction_id": iid}

    async def drop(self, body: dict[str, Any]) -> dict[str, Any]:
        mode = body.get("mode", "abort")
        if "heartbeat_ms" in body:
            self.heartbeat_ms = int(body["heartbeat_ms"])
            return {"ok": True}
        if not self.live:
            return {"ok": False, "error": "not connected"}
        ws, _, transport = self.live
        if mode == "reconnect":
            await ws.send_str(json.dumps({"op": 7, "d": None}))
        elif mode == "invalid":
            await ws.send_str(json.dumps({"op": 9, "d": False}))
        elif mode == "close":
            await ws.close(code=int(body.get("code", 4000)))
        else:
            transport.abort()
        return {"ok": True}

    # --- Gateway ----------------------------------------------------------
    async def gateway(self, req: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(req)
        self.connections += 1
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}}))
        session: Session | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    p = json.loads(msg.data)
                except ValueError:
                    await ws.close(code=4002)
                    break
                op = p.get("op")
                d = p.get("d")
                if op == 1:
                    self.heartbeats += 1
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:
                    if session is not None:
                        await ws.close(code=4005)
                        break
                    if not isinstance(d, dict) or d.get("token") != self.token:
                        await ws.close(code=4004)
                        break
                    if not isinstance(d.get("intents"), int):
                        await ws.close(code=4013)
                        break
                    self.identifies += 1
                    self.sid_seq += 1
                    session = Session(f"sess{self.sid_seq}")
                    old = self.sessions.pop("pending", None)
                    self.sessions[session.id] = session
                    self.live = (ws, session, req.transport)
                    self.core.bump("identify")
                    if old:  # events injected while nobody was connected
                        for f in old.events:
                            session.seq += 1
                            f = dict(f, s=session.seq)
                            session.events.append(f)
                    session.seq += 1
                    ready = {"op": 0, "t": "READY", "s": session.seq, "d": {
                        "v": 10, "user": {"id": "BOT1", "username": "fakebot", "bot": True},
                        "guilds": [], "session_id": session.id,
                        "resume_gateway_url": self.url.replace("http://", "ws://") + "/gateway",
                        "application": {"id": "APP1", "flags": 0}}}
                    session.events.append(ready)
                    await ws.send_str(json.dumps(ready))
                    for f in session.events[:-1]:
                        await ws.send_str(json.dumps(f))
                elif op == 6:
                    s = self.sessions.get(str((d or {}).get("session_id")))
                    if s is None or (d or {}).get("token") != self.token:
                        await ws.send_str(json.dumps({"op": 9, "d": False}))
                        continue
                    self.resumes += 1
                    session = s
                    self.live = (ws, session, req.transport)
                    self.core.bump("resume")
                    last = int((d or {}).get("seq") or 0)
                    for f in s.events:
                        if f["s"] > last:
                            await ws.send_str(json.dumps(f))
                    s.seq += 1
                    resumed = {"op": 0, "t": "RESUMED", "s": s.seq, "d": {}}
                    s.events.append(resumed)
                    await ws.send_str(json.dumps(resumed))
                else:
                    await ws.close(code=4001)
                    break
        finally:
            if self.live and self.live[0] is ws:
                self.live = None
            self.core.bump("gateway_closed")
        return ws

    # --- REST ---------------------------------------------------------------
    def limited(self, key: str) -> tuple[dict[str, str], float | None]:
        now = time.monotonic()
        start, used = self.buckets.get(key, (now, 0))
        if now - start >= WINDOW:
            start, used = now, 0
        used += 1
        self.buckets[key] = (start, used)
        reset_after = max(WINDOW - (now - start), 0.001)
        headers = {"X-RateLimit-Limit": str(BUCKET),
                   "X-RateLimit-Remaining": str(max(BUCKET - used, 0)),
                   "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                   "X-RateLimit-Bucket": "b-" + key}
        return headers, (reset_after if used > BUCKET else None)

    async def rest(self, req: web.Request) -> web.StreamResponse:
        path = req.match_info["tail"]
        method = req.method
        body: Any = None
        if req.can_read_body:
            body = await req.json()
        name = f"{method} {path}"
        # record under a route name, ids replaced
        parts = path.split("/")
        route = "/".join(p if not p[:1].isdigit() and not p.startswith(("C", "itok")) else ":id"
                         for p in parts)
        self.core.record(f"{method} {route}", {"path": path, "body": body})
        if req.headers.get("Authorization") != "Bot " + self.token and not path.startswith(
                "interactions/"):
            self.core.calls[-1]["status"] = 401
            return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        f = self.core.take_failure(f"{method} {route}")
        if f is not None:
            self.core.calls[-1]["status"] = f.status
            return web.json_response(
                {"message": "You are being rate limited.", "retry_after": f.retry_after,
                 "global": False}, status=f.status,
                headers={"Retry-After": str(int(f.retry_after)), "X-RateLimit-Scope": "user"})
        key = parts[1] if parts[0] == "channels" and len(parts) > 1 else parts[0]
        headers, over = self.limited(key)
        if over is not None:
            self.violations += 1
            self.core.calls[-1]["status"] = 429
            return web.json_response({"message": "You are being rate limited.",
                                      "retry_after": over, "global": False}, status=429,
                                     headers=dict(headers, **{"Retry-After": str(int(over) + 1),
                                                              "X-RateLimit-Scope": "user"}))
        res = await self.route(method, parts, body)
        for k, v in headers.items():
            res.headers[k] = v
        return res

    @staticmethod
    def buttons(body: dict[str, Any]) -> list[dict[str, str]]:
        out = []
        for row in body.get("components") or []:
            for c in row.get("components", []):
                if c.get("type") == 2:
                    out.append({"text": str(c.get("label", "")), "data": str(c.get("custom_id", ""))})
        return out

    @staticmethod
    def err(status: int, code: int, message: str) -> web.Response:
        return web.json_response({"code": code, "message": message}, status=status)

    def check(self, body: Any) -> web.Response | None:
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, str) or not content:
            return self.err(400, 50006, "Cannot send an empty message")
        if len(content) > MAX_TEXT:
            return web.json_response({"code": 50035, "message": "Invalid Form Body",
                                      "errors": {"content": {"_errors": [{
                                          "code": "BASE_TYPE_MAX_LENGTH",
                                          "message": "Must be 2000 or fewer in length."}]}}},
                                     status=400)
        return None

    async def route(self, method: str, parts: list[str], body: Any) -> web.Response:
        if method == "GET" and parts == ["gateway", "bot"]:
            return web.json_response({"url": self.url.replace("http://", "ws://") + "/gateway",
                                      "shards": 1, "session_start_limit": {
                                          "total": 1000, "remaining": 999,
                                          "reset_after": 86400000, "max_concurrency": 1}})
        if parts[0] == "channels" and len(parts) >= 3 and parts[2] == "messages":
            chat = parts[1]
            if method == "POST" and len(parts) == 3:
                bad = self.check(body)
                if bad:
                    return bad
                mid = str(self.core.new_id())
                self.core.add_msg(Msg(id=mid, chat=chat, sender="bot", text=body["content"],
                                      buttons=self.buttons(body)))
                return web.json_response({"id": mid, "channel_id": chat, "content": body["content"],
                                          "author": {"id": "BOT1", "bot": True}})
            m = self.core.msg(chat, parts[3]) if len(parts) == 4 else None
            if m is None or m.deleted:
                return self.err(404, 10008, "Unknown Message")
            if method == "PATCH":
                bad = self.check(body)
                if bad:
                    return bad
                if m.sender != "bot":
                    return self.err(403, 50005, "Cannot edit a message authored by another user")
                m.text = body["content"]
                if "components" in body:
                    m.buttons = self.buttons(body)
                m.edits += 1
                m.edit_times.append(time.monotonic())
                self.core.bump()
                return web.json_response({"id": m.id, "channel_id": chat, "content": m.text})
            if method == "DELETE":
                m.deleted = True
                self.core.bump()
                return web.Response(status=204)
        if parts[0] == "interactions" and len(parts) == 4 and parts[3] == "callback":
            it = self.interactions.get(parts[1])
            if it is None or it["token"] != parts[2]:
                return self.err(404, 10062, "Unknown interaction")
            if it["answered"] is not None:
                return self.err(400, 40060, "Interaction has already been acknowledged.")
            it["answered"] = body
            self.core.bump()
            return web.Response(status=204)
        return self.err(404, 0, "404: Not Found")


def make_app(core: FakeCore, token: str) -> tuple[web.Application, Callable[[str], Awaitable[None]]]:
    app = web.Application()
    dc = Discord(core, token)
    core.routes(app, dc)
    app.router.add_route("*", "/api/v10/{tail:.*}", dc.rest)
    app.router.add_get("/gateway", dc.gateway)

    async def started(url: str) -> None:
        dc.url = url

    return app, started
