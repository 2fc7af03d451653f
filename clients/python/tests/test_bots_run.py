"""bots.run conversations from Python: the bot engine in the real core,
the chat-platform fakes of tests/fakes (Telegram, Slack, Discord) and the
real local relay's simulated agents (docs/ask-protocol.md, docs/bots.md).
The fakes run on the project venv's Python ($CMDOP_FAKE_PYTHON, else
.venv/bin/python: aiohttp, installed by scripts/deps.sh)."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

import cmdop

from conftest import ROOT, Relay

ALPHA = "20000000-0000-4000-8000-000000000001"
CHARLIE = "20000000-0000-4000-8000-000000000003"
PYTHON = os.environ.get("CMDOP_FAKE_PYTHON", os.path.join(ROOT, ".venv", "bin", "python"))

# Per platform: the fake's args, bots.run's credentials, a user and a chat.
PLATFORMS: dict[str, dict[str, Any]] = {
    "telegram": {"args": [], "creds": {"token": "123:fake-token"}, "user": "42", "chat": "42"},
    "slack": {"args": ["--token", "xoxb-fake", "--app-token", "xapp-fake"],
              "creds": {"bot_token": "xoxb-fake", "app_token": "xapp-fake"},
              "user": "U42", "chat": "D42"},
    "discord": {"args": ["--token", "discord-fake"], "creds": {"token": "discord-fake"},
                "user": "U42", "chat": "C42"},
}


class Fake:
    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.p = subprocess.Popen(
            [PYTHON, os.path.join(ROOT, "tests", "fakes", "fake.py"), platform, "--port", "0",
             *PLATFORMS[platform]["args"]], stdout=subprocess.PIPE, text=True)
        assert self.p.stdout is not None
        line = self.p.stdout.readline()
        assert line, "the fake did not start"
        self.url: str = json.loads(line)["url"]

    def call(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data,
                                     method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=15) as resp:
            return json.loads(resp.read() or b"null")

    def say(self, text: str, user: str | None = None, chat: str | None = None) -> str:
        cfg = PLATFORMS[self.platform]
        r = self.call("/_fake/message", {"user": user or cfg["user"],
                                         "chat": chat or cfg["chat"], "text": text})
        return str(r["message_id"])

    def bot_msgs(self, chat: str | None = None) -> list[dict[str, Any]]:
        msgs = self.call("/_fake/chat?chat=" + (chat or PLATFORMS[self.platform]["chat"]))
        return [m for m in msgs if m["from"] == "bot"]

    def stop(self) -> None:
        self.p.terminate()
        assert self.p.wait(10) == 0


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[Fake]:
    f = Fake(request.param)
    try:
        yield f
    finally:
        f.stop()


def run(client: cmdop.Client, fake: Fake, **kw: Any) -> Any:
    args: dict[str, Any] = dict(platform=fake.platform, machine_id=ALPHA,
                                allowed_users=[PLATFORMS[fake.platform]["user"]],
                                api_base_url=fake.url, edit_interval_ms=300,
                                **PLATFORMS[fake.platform]["creds"])
    args.update(kw)
    return client.bots.run(**args)


class Events:
    """One reader of a bot's events (a handle's events iterate once)."""

    def __init__(self, bot: Any) -> None:
        self.it = bot.events().__aiter__()
        self.seen: list[Any] = []

    async def until(self, kind: str, timeout: float = 15) -> Any:
        async def first() -> Any:
            while True:
                ev = await self.it.__anext__()
                self.seen.append(ev)
                if ev.type == kind:
                    return ev
        return await asyncio.wait_for(first(), timeout)

    async def rest(self) -> list[str]:
        return [ev.type async for ev in self.it]


async def running(bot: Any) -> None:
    for _ in range(200):
        if bot.status() == "running":
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"status stayed {bot.status()}")


@pytest.mark.parametrize("fake", ["telegram", "slack", "discord"], indirect=True)
async def test_allowed_user_gets_the_streamed_edited_answer(relay: Relay, client: cmdop.Client,
                                                             fake: Fake) -> None:
    relay.control("/ask", {"delay_ms": 120})
    answer = "one two three four five six seven eight nine ten eleven twelve"
    async with run(client, fake) as bot:
        events = Events(bot)
        await running(bot)
        fake.say("echo: " + answer)
        ev = await events.until("reply_sent")
        assert ev.success and ev.chat_id == PLATFORMS[fake.platform]["chat"]
        [m] = fake.bot_msgs()
        assert m["text"] == answer
        assert m["edits"] >= 2 and all(g >= 270 for g in m["edit_gaps_ms"])
    assert bot.closed and bot.status() == "stopped"


@pytest.mark.parametrize("fake", ["telegram"], indirect=True)
async def test_unknown_user_is_refused(relay: Relay, client: cmdop.Client, fake: Fake) -> None:
    async with run(client, fake) as bot:
        events = Events(bot)
        await running(bot)
        fake.say("uptime", user="99", chat="99")
        ev = await events.until("refused")
        assert ev.reason == "unknown_user" and ev.user_id == "99"
    assert "not allowed" in fake.bot_msgs("99")[0]["text"]
    asks = [r for r in relay.control("/requests")["requests"] if "/ask" in r["path"]]
    assert asks == []


@pytest.mark.parametrize("fake", ["telegram", "discord"], indirect=True)
@pytest.mark.parametrize("button,text,success", [("Approve", "ok: rm -rf /tmp/x", True),
                                                 ("Reject", "rejected", False)])
async def test_confirm_by_button(relay: Relay, client: cmdop.Client, fake: Fake, button: str,
                                 text: str, success: bool) -> None:
    relay.control("/ask", {"delay_ms": 5})
    cfg = PLATFORMS[fake.platform]
    async with run(client, fake) as bot:
        events = Events(bot)
        await running(bot)
        fake.say("rm -rf /tmp/x")
        ev = await events.until("confirm_asked")
        assert ev.offered and ev.danger_level == "high"
        for _ in range(100):
            msgs = fake.bot_msgs()
            if msgs and msgs[0]["buttons"]:
                break
            await asyncio.sleep(0.05)
        m = msgs[0]
        data = next(b["data"] for b in m["buttons"] if b["text"] == button)
        fake.call("/_fake/click", {"user": cfg["user"], "chat": cfg["chat"],
                                   "message_id": m["id"], "data": data})
        ev = await events.until("reply_sent")
        assert ev.success is success
    msgs = fake.bot_msgs()
    assert msgs[0]["buttons"] == [] and text in msgs[-1]["text"]


@pytest.mark.parametrize("fake", ["telegram"], indirect=True)
async def test_pin_by_reply_is_deleted(relay: Relay, client: cmdop.Client, fake: Fake) -> None:
    relay.control("/ask", {"delay_ms": 5})
    async with run(client, fake, machine_id=CHARLIE) as bot:
        events = Events(bot)
        await running(bot)
        fake.say("uptime")
        ev = await events.until("pin_asked")
        assert "PIN for" in ev.label
        pin_id = fake.say("1234")
        ev = await events.until("reply_sent")
        assert ev.success
    chat = fake.call("/_fake/chat?chat=42")
    assert [m["deleted"] for m in chat if m["id"] == pin_id] == [True]
    sent = [c["params"].get("text", "") for c in fake.call("/_fake/calls")]
    assert not any("1234" in t for t in sent if isinstance(t, str))


@pytest.mark.parametrize("fake", ["slack"], indirect=True)
async def test_long_answer_is_split(relay: Relay, client: cmdop.Client, fake: Fake) -> None:
    relay.control("/ask", {"delay_ms": 0})
    answer = "word-wxyz " * 499 + "word-0499."
    async with run(client, fake) as bot:
        events = Events(bot)
        await running(bot)
        fake.say("echo: " + answer)
        ev = await events.until("reply_sent", 30)
        assert len(ev.message_ids) == 2
    a, b = fake.bot_msgs()
    assert len(a["text"]) <= 4000 and a["text"] + b["text"] == answer


@pytest.mark.parametrize("fake", ["discord"], indirect=True)
async def test_rate_limit_is_waited_out(relay: Relay, client: cmdop.Client, fake: Fake) -> None:
    relay.control("/ask", {"delay_ms": 0})
    fake.call("/_fake/fail", {"method": "POST channels/:id/messages", "status": 429,
                              "retry_after": 1, "count": 1})
    async with run(client, fake) as bot:
        events = Events(bot)
        await running(bot)
        fake.say("echo: hello there")
        await events.until("reply_sent")
    calls = fake.call("/_fake/calls?method=POST%20channels/:id/messages")
    assert [c["status"] for c in calls] == [429, 200]
    assert calls[1]["t"] - calls[0]["t"] >= 0.95
    assert fake.bot_msgs()[0]["text"] == "hello there"


@pytest.mark.parametrize("fake", ["discord", "slack"], indirect=True)
async def test_dropped_socket_resumes(relay: Relay, client: cmdop.Client, fake: Fake) -> None:
    relay.control("/ask", {"delay_ms": 0})
    async with run(client, fake) as bot:
        events = Events(bot)
        await running(bot)
        fake.call("/_fake/drop", {"mode": "abort"})
        for _ in range(200):
            if bot.status() == "reconnecting":
                break
            await asyncio.sleep(0.02)
        await running(bot)
        fake.say("echo: still here")
        await events.until("reply_sent")
    assert fake.bot_msgs()[0]["text"] == "still here"
    state = fake.call("/_fake/state")
    if fake.platform == "discord":
        assert state["resumes"] == 1 and state["identifies"] == 1
    else:
        assert state["connections"] == 2


@pytest.mark.parametrize("fake", ["telegram"], indirect=True)
async def test_stop_drains_then_events_end(relay: Relay, client: cmdop.Client,
                                           fake: Fake) -> None:
    relay.control("/ask", {"delay_ms": 100})
    bot = await run(client, fake)
    events = Events(bot)
    await running(bot)
    fake.say("echo: a b c d e f g h")
    await events.until("ask_started")
    await bot.stop()
    assert bot.status() == "stopped"
    assert fake.bot_msgs()[0]["text"] == "a b c d e f g h"
    rest = await events.rest()
    assert "reply_sent" in rest + [ev.type for ev in events.seen]


@pytest.mark.parametrize("fake", ["telegram"], indirect=True)
async def test_stop_after_the_failure_arrived_raises_it(relay: Relay, client: cmdop.Client,
                                                       fake: Fake) -> None:
    bot = await run(client, fake, token="123:refused")
    with pytest.raises(cmdop.AuthError):
        async for _ in bot.events():   # ends with the failure: the core ended the handle
            pass
    assert bot.closed and bot.status() == "failed"
    for _ in range(2):  # every later method answers the same failure
        with pytest.raises(cmdop.AuthError):
            await bot.stop()


@pytest.mark.parametrize("fake", ["telegram"], indirect=True)
async def test_credentials_are_never_logged(relay: Relay, fake: Fake, tmp_path: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "core.log"
    monkeypatch.setenv("CMDOP_LOG", "debug")
    monkeypatch.setenv("CMDOP_LOG_FILE", str(log))
    secret = "123:never-in-a-log"
    c = relay.client()
    try:
        # the fake refuses this token: the bot fails, and says so
        bot = await run(c, fake, token=secret)
        events = Events(bot)
        err = await events.until("error")
        assert err.code == "auth" and secret not in err.message
        with pytest.raises(cmdop.AuthError) as failed:
            await bot.stop()   # stop() on a failed bot answers its failure
        assert secret not in str(failed.value)
        assert bot.status() == "failed"
    finally:
        await c.aclose()
    text = log.read_text()
    assert "stdio:" in text and secret not in text and "never-in-a-log" not in text
