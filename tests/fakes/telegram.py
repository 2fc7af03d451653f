"""A fake Telegram Bot API: /bot<token>/<method> with getUpdates long
polling (offset confirms, negative offset takes from the end),
sendMessage, editMessageText, answerCallbackQuery, deleteMessage,
sendChatAction, deleteWebhook; 429 with parameters.retry_after; 401 for a
wrong token. Wire facts: the shared chat-apis reference (Telegram)."""
from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

from fakecore import FakeCore, Msg, PlatformControl

MAX_TEXT = 4096


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


class Telegram(PlatformControl):
    def __init__(self, core: FakeCore, token: str) -> None:
        self.core = core
        self.token = token
        self.updates: list[dict[str, Any]] = []
        self.next_update = 1
        self.arrived = asyncio.Event()
        self.confirmed = 0  # updates below this id are gone
        self.polls = 0
        self.callbacks: dict[str, dict[str, Any]] = {}
        self.dropping = 0
        self.waiting: set[Any] = set()
        # set by a drop with "hold": the next getUpdates that is not dropped
        # waits on it, so the bot stays reconnecting until POST /_fake/release
        self.poll_gate: asyncio.Event | None = None
        self.held = 0
        self.closing = False

    def state(self) -> dict[str, Any]:
        return {
            "pending_updates": len([u for u in self.updates if u["update_id"] >= self.confirmed]),
            "confirmed_below": self.confirmed,
            "polls": self.polls,
            "answered_callbacks": [k for k, v in self.callbacks.items() if v.get("answered")],
        }

    def reset(self) -> None:
        self.updates.clear()
        self.callbacks.clear()
        self.release()

    def push(self, upd: dict[str, Any]) -> int:
        upd["update_id"] = self.next_update
        self.next_update += 1
        self.updates.append(upd)
        self.arrived.set()
        self.arrived = asyncio.Event()
        return int(upd["update_id"])

    @staticmethod
    def user(uid: str, name: str | None) -> dict[str, Any]:
        return {"id": int(uid), "is_bot": False, "first_name": name or "user" + uid,
                "username": name or "user" + uid}

    @staticmethod
    def chat_obj(cid: str) -> dict[str, Any]:
        return {"id": int(cid), "type": "private" if int(cid) > 0 else "group"}

    async def inject_message(self, body: dict[str, Any]) -> dict[str, Any]:
        uid = str(body["user"])
        cid = str(body.get("chat", uid))
        mid = self.core.new_id()
        m = self.core.add_msg(Msg(id=str(mid), chat=cid, sender=uid, text=str(body["text"])))
        message: dict[str, Any] = {
            "message_id": mid, "date": int(time.time()), "chat": self.chat_obj(cid),
            "from": self.user(uid, body.get("username")), "text": m.text,
        }
        if body.get("reply_to"):
            message["reply_to_message"] = {"message_id": int(body["reply_to"]),
                                           "chat": self.chat_obj(cid), "date": 0}
        uid_ = self.push({"message": message})
        return {"ok": True, "message_id": str(mid), "update_id": uid_}

    async def inject_click(self, body: dict[str, Any]) -> dict[str, Any]:
        uid = str(body["user"])
        cid = str(body["chat"])
        m = self.core.msg(cid, str(body["message_id"]))
        if m is None:
            return {"ok": False, "error": "no such message"}
        qid = "cq" + str(self.core.new_id())
        self.callbacks[qid] = {"answered": False}
        self.push({"callback_query": {
            "id": qid, "from": self.user(uid, None), "chat_instance": "ci" + cid,
            "data": str(body["data"]),
            "message": {"message_id": int(m.id), "chat": self.chat_obj(cid),
                        "date": int(time.time()), "text": m.text},
        }})
        return {"ok": True, "callback_query_id": qid}

    async def drop(self, body: dict[str, Any]) -> dict[str, Any]:
        # The polls waiting now, and then the next `count` - 1 getUpdates
        # calls, lose their connection.
        n = int(body.get("count", 1))
        if self.waiting:
            for t in list(self.waiting):
                t.abort()
            self.waiting.clear()
            n -= 1
        self.dropping += max(n, 0)
        if body.get("hold") and self.poll_gate is None:
            self.poll_gate = asyncio.Event()
            self.held = 0
        return {"ok": True}

    def release(self) -> int:
        """Let the held getUpdates calls through; how many were held."""
        gate, self.poll_gate = self.poll_gate, None
        if gate is None:
            return 0
        gate.set()
        return self.held

    # --- the Bot API ---------------------------------------------------
    async def handle(self, req: web.Request) -> web.StreamResponse:
        token = req.match_info["token"]
        method = req.match_info["method"]
        params: dict[str, Any] = dict(req.query)
        if req.can_read_body:
            if req.content_type == "application/json":
                params.update(await req.json())
            else:
                params.update(dict(await req.post()))
        if token != self.token:
            self.core.record(method, {"bad_token": True}, 401)
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        lm = method.lower()
        if lm == "getupdates":
            self.polls += 1
            self.core.bump("getUpdates")
            if self.dropping > 0:
                self.dropping -= 1
                self.core.record(method, params, 0)
                assert req.transport is not None
                req.transport.abort()
                return web.Response(status=500)
            gate = self.poll_gate
            if gate is not None:
                self.held += 1
                self.core.bump("poll_held")
                await gate.wait()
        else:
            self.core.record(method, params)
        f = self.core.take_failure(method)
        if f is not None:
            self.core.calls[-1]["status"] = f.status
            body: dict[str, Any] = {"ok": False, "error_code": f.status,
                                    "description": f"Too Many Requests: retry after {int(f.retry_after)}"
                                    if f.status == 429 else "Injected failure"}
            if f.status == 429:
                body["parameters"] = {"retry_after": int(f.retry_after)}
            return web.json_response(body, status=f.status)
        fn = getattr(self, "m_" + lm, None)
        if fn is None:
            return self.err(404, "Not Found: method not found")
        if lm == "getupdates":
            self.waiting.add(req.transport)
            try:
                res: web.StreamResponse = await fn(params)
            finally:
                self.waiting.discard(req.transport)
            return res
        return await fn(params)  # type: ignore[no-any-return]

    @staticmethod
    def ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def err(code: int, desc: str) -> web.Response:
        return web.json_response({"ok": False, "error_code": code, "description": desc}, status=code)

    async def m_getupdates(self, p: dict[str, Any]) -> web.Response:
        offset = int(p.get("offset", 0) or 0)
        timeout = float(p.get("timeout", 0) or 0)
        limit = int(p.get("limit", 100) or 100)
        if offset < 0:
            live = [u for u in self.updates if u["update_id"] >= self.confirmed]
            keep = live[offset:] if live else []
            if keep:
                self.confirmed = keep[0]["update_id"]
            return self.ok(keep[:limit])
        if offset > 0:
            self.confirmed = max(self.confirmed, offset)
        deadline = time.monotonic() + timeout
        while True:
            live = [u for u in self.updates if u["update_id"] >= self.confirmed]
            if live:
                return self.ok(live[:limit])
            left = deadline - time.monotonic()
            if left <= 0 or self.closing:
                return self.ok([])
            ev = self.arrived
            try:
                await asyncio.wait_for(ev.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def m_deletewebhook(self, p: dict[str, Any]) -> web.Response:
        return self.ok(True)

    async def m_getme(self, p: dict[str, Any]) -> web.Response:
        return self.ok({"id": 777, "is_bot": True, "first_name": "fakebot", "username": "fakebot"})

    async def m_sendchataction(self, p: dict[str, Any]) -> web.Response:
        return self.ok(True)

    @staticmethod
    def buttons(p: dict[str, Any]) -> list[dict[str, str]]:
        rm = p.get("reply_markup")
        if not isinstance(rm, dict):
            return []
        out = []
        for row in rm.get("inline_keyboard", []):
            for b in row:
                out.append({"text": str(b.get("text", "")), "data": str(b.get("callback_data", ""))})
        return out

    def check_text(self, p: dict[str, Any]) -> web.Response | None:
        text = p.get("text")
        if not isinstance(text, str) or text == "":
            return self.err(400, "Bad Request: message text is empty")
        if utf16_len(text) > MAX_TEXT:
            return self.err(400, "Bad Request: message is too long")
        for b in self.buttons(p):
            if len(b["data"].encode()) > 64 or not b["data"]:
                return self.err(400, "Bad Request: BUTTON_DATA_INVALID")
        return None

    async def m_sendmessage(self, p: dict[str, Any]) -> web.Response:
        bad = self.check_text(p)
        if bad:
            return bad
        cid = str(p.get("chat_id"))
        mid = self.core.new_id()
        self.core.add_msg(Msg(id=str(mid), chat=cid, sender="bot", text=p["text"],
                              buttons=self.buttons(p)))
        return self.ok({"message_id": mid, "date": int(time.time()),
                        "chat": self.chat_obj(cid), "text": p["text"]})

    async def m_editmessagetext(self, p: dict[str, Any]) -> web.Response:
        bad = self.check_text(p)
        if bad:
            return bad
        m = self.core.msg(str(p.get("chat_id")), str(p.get("message_id")))
        if m is None or m.deleted:
            return self.err(400, "Bad Request: message to edit not found")
        btn = self.buttons(p)
        if m.text == p["text"] and m.buttons == btn:
            return self.err(400, "Bad Request: message is not modified: specified new message "
                                 "content and reply markup are exactly the same as a current "
                                 "content and reply markup of the message")
        m.text, m.buttons = p["text"], btn
        m.edits += 1
        m.edit_times.append(time.monotonic())
        self.core.bump()
        return self.ok({"message_id": int(m.id), "date": int(time.time()),
                        "chat": self.chat_obj(m.chat), "text": m.text})

    async def m_answercallbackquery(self, p: dict[str, Any]) -> web.Response:
        qid = str(p.get("callback_query_id"))
        cb = self.callbacks.get(qid)
        if cb is None or cb["answered"]:
            return self.err(400, "Bad Request: query is too old and response timeout "
                                 "expired or query ID is invalid")
        cb["answered"] = True
        cb["text"] = p.get("text", "")
        return self.ok(True)

    async def m_deletemessage(self, p: dict[str, Any]) -> web.Response:
        m = self.core.msg(str(p.get("chat_id")), str(p.get("message_id")))
        if m is None or m.deleted:
            return self.err(400, "Bad Request: message to delete not found")
        m.deleted = True
        self.core.bump()
        return self.ok(True)


def make_app(core: FakeCore, token: str) -> web.Application:
    app = web.Application()
    tg = Telegram(core, token)
    core.routes(app, tg)
    app.router.add_route("*", "/bot{token}/{method}", tg.handle)

    async def release(req: web.Request) -> web.Response:
        return web.json_response({"ok": True, "held": tg.release()})

    app.router.add_post("/_fake/release", release)

    async def wake_polls(_: web.Application) -> None:
        # shutting down: the long polls waiting now answer at once
        tg.closing = True
        tg.arrived.set()
        tg.release()

    app.on_shutdown.append(wake_polls)  # type: ignore[arg-type]
    return app
