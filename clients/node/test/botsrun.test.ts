// bots.run conversations from Node: the bot engine in the real core, the
// chat-platform fakes of tests/fakes (Telegram, Slack, Discord) and the real
// local relay's simulated agents (docs/ask-protocol.md, docs/bots.md). The
// fakes run on the project venv's Python ($CMDOP_FAKE_PYTHON, else
// <repo>/.venv/bin/python: aiohttp, installed by scripts/deps.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { join, resolve } from "node:path";
import { AuthError, type Client } from "@cmdop/sdk";
import { control, M, relayPerFile, type Relay } from "./support.js";

// The handle's type, as bots.run returns it.
type RunningBot = Awaited<ReturnType<Client["bots"]["run"]>>;

let relay: Relay;
let c: Client;
relayPerFile((r, cl) => {
  relay = r;
  c = cl;
});

// The repository root: test/ is compiled to clients/node/.build/test.
const ROOT = resolve(process.env.CMDOP_TEST_ROOT ?? join(process.cwd(), "..", ".."));
const PYTHON = process.env.CMDOP_FAKE_PYTHON ?? join(ROOT, ".venv", "bin", "python");

interface Platform { args: string[]; creds: Record<string, string>; user: string; chat: string }
const PLATFORMS: Record<string, Platform> = {
  telegram: { args: [], creds: { token: "123:fake-token" }, user: "42", chat: "42" },
  slack: { args: ["--token", "xoxb-fake", "--app-token", "xapp-fake"], creds: { botToken: "xoxb-fake", appToken: "xapp-fake" }, user: "U42", chat: "D42" },
  discord: { args: ["--token", "discord-fake"], creds: { token: "discord-fake" }, user: "U42", chat: "C42" },
};

interface Msg { id: string; from: string; text: string; buttons: { text: string; data: string }[]; deleted: boolean; edits: number; edit_gaps_ms: number[] }

class Fake {
  proc!: ChildProcess;
  url = "";
  constructor(readonly platform: string) {}

  async start(): Promise<this> {
    this.proc = spawn(PYTHON, [join(ROOT, "tests", "fakes", "fake.py"), this.platform, "--port", "0", ...PLATFORMS[this.platform]!.args], { stdio: ["ignore", "pipe", "inherit"] });
    const line = await new Promise<string>((res, rej) => {
      createInterface({ input: this.proc.stdout! }).once("line", res);
      this.proc.once("exit", (code) => rej(new Error(`fake exited ${code}`)));
    });
    this.url = (JSON.parse(line) as { url: string }).url;
    return this;
  }

  async stop(): Promise<void> {
    const exited = new Promise((res) => this.proc.once("exit", res));
    this.proc.kill("SIGTERM");
    await exited;
  }

  async call(path: string, body?: unknown): Promise<any> {
    const res = await fetch(this.url + path, body === undefined ? {} : {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    });
    return res.json();
  }

  async say(text: string, user?: string, chat?: string): Promise<string> {
    const p = PLATFORMS[this.platform]!;
    const r = await this.call("/_fake/message", { user: user ?? p.user, chat: chat ?? p.chat, text });
    return r.message_id as string;
  }

  async botMsgs(chat?: string): Promise<Msg[]> {
    const all = (await this.call(`/_fake/chat?chat=${chat ?? PLATFORMS[this.platform]!.chat}`)) as Msg[];
    return all.filter((m) => m.from === "bot");
  }
}

async function withFake(platform: string, body: (f: Fake) => Promise<void>): Promise<void> {
  const f = await new Fake(platform).start();
  try {
    await body(f);
  } finally {
    await f.stop();
  }
}

function run(f: Fake, extra: Record<string, unknown> = {}): Promise<RunningBot> {
  const p = PLATFORMS[f.platform]!;
  return c.bots.run({ platform: f.platform, machineId: M(1), allowedUsers: [p.user], apiBaseUrl: f.url, editIntervalMs: 300, ...p.creds, ...extra });
}

/** One reader of a bot's events (a handle's events iterate once). */
class Events {
  private readonly it: AsyncIterator<{ type: string }>;
  constructor(bot: RunningBot) {
    this.it = bot.events()[Symbol.asyncIterator]();
  }
  async until(kind: string, ms = 15000): Promise<any> {
    const end = Date.now() + ms;
    for (;;) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no ${kind} event in time`);
      const r = await Promise.race([this.it.next(), new Promise<"timeout">((res) => setTimeout(res, left, "timeout"))]);
      if (r === "timeout") throw new Error(`no ${kind} event in time`);
      if (r.done) throw new Error(`events ended before ${kind}`);
      if (r.value.type === kind) return r.value;
    }
  }
}

async function running(bot: RunningBot): Promise<void> {
  for (let i = 0; i < 200 && bot.status() !== "running"; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(bot.status(), "running");
}

for (const platform of ["telegram", "slack", "discord"]) {
  test(`${platform}: an allowed user gets the streamed, edited answer`, () => withFake(platform, async (f) => {
    await control(relay, "/ask", { delay_ms: 120 });
    const answer = "one two three four five six seven eight nine ten eleven twelve";
    const bot = await run(f);
    const ev = new Events(bot);
    await running(bot);
    await f.say(`echo: ${answer}`);
    const sent = await ev.until("reply_sent");
    assert.equal(sent.success, true);
    assert.equal(sent.chatId, PLATFORMS[platform]!.chat);
    const [m, ...more] = await f.botMsgs();
    assert.equal(more.length, 0);
    assert.equal(m!.text, answer);
    assert.ok(m!.edits >= 2 && m!.edit_gaps_ms.every((g) => g >= 270));
    await bot.stop();
    assert.equal(bot.status(), "stopped");
    assert.equal(bot.closed, true);
  }));
}

test("telegram: stop() after the failure arrived rejects with it, every time", () => withFake("telegram", async (f) => {
  const bot = await run(f, { token: "123:refused" });
  await assert.rejects(async () => {
    for await (const _ of bot.events()) void _; // ends with the failure: the core ended the handle
  }, (e: any) => e instanceof AuthError && e.code === "auth");
  assert.equal(bot.closed, true);
  assert.equal(bot.status(), "failed");
  for (let i = 0; i < 2; i++) await assert.rejects(bot.stop(), AuthError);
}));

test("telegram: an unknown user is refused and nothing reaches the machine", () => withFake("telegram", async (f) => {
  const bot = await run(f);
  const ev = new Events(bot);
  await running(bot);
  await f.say("uptime", "99", "99");
  const r = await ev.until("refused");
  assert.equal(r.reason, "unknown_user");
  await bot.stop();
  assert.match((await f.botMsgs("99"))[0]!.text, /not allowed/);
  const reqs = (await control(relay, "/requests")).requests as { path: string }[];
  assert.deepEqual(reqs.filter((q) => q.path.includes("/ask")), []);
}));

for (const [button, text, success] of [["Approve", "ok: rm -rf /tmp/x", true], ["Reject", "rejected", false]] as const) {
  test(`slack: a confirm ${button === "Approve" ? "accepted" : "rejected"} by button`, () => withFake("slack", async (f) => {
    await control(relay, "/ask", { delay_ms: 5 });
    const p = PLATFORMS.slack!;
    const bot = await run(f);
    const ev = new Events(bot);
    await running(bot);
    await f.say("rm -rf /tmp/x");
    const asked = await ev.until("confirm_asked");
    assert.equal(asked.offered, true);
    let msgs: Msg[] = [];
    for (let i = 0; i < 100 && !(msgs[0]?.buttons.length); i++) {
      msgs = await f.botMsgs();
      await new Promise((r) => setTimeout(r, 50));
    }
    const data = msgs[0]!.buttons.find((b) => b.text === button)!.data;
    await f.call("/_fake/click", { user: p.user, chat: p.chat, message_id: msgs[0]!.id, data });
    const sent = await ev.until("reply_sent");
    assert.equal(sent.success, success);
    await bot.stop();
    msgs = await f.botMsgs();
    assert.deepEqual(msgs[0]!.buttons, []);
    assert.ok(msgs[msgs.length - 1]!.text.includes(text));
  }));
}

test("discord: a PIN given by reply is deleted and never echoed", () => withFake("discord", async (f) => {
  await control(relay, "/ask", { delay_ms: 5 });
  const bot = await run(f, { machineId: M(3) });
  const ev = new Events(bot);
  await running(bot);
  await f.say("uptime");
  const asked = await ev.until("pin_asked");
  assert.match(asked.label, /PIN for/);
  const pinId = await f.say("1234");
  const sent = await ev.until("reply_sent");
  assert.equal(sent.success, true);
  await bot.stop();
  const chat = (await f.call("/_fake/chat?chat=C42")) as Msg[];
  assert.deepEqual(chat.filter((m) => m.id === pinId).map((m) => m.deleted), [true]);
  const calls = (await f.call("/_fake/calls")) as { params: { body?: { content?: string } } }[];
  assert.ok(!calls.some((k) => (k.params.body?.content ?? "").includes("1234")));
}));

test("telegram: a long answer is split at 4096", () => withFake("telegram", async (f) => {
  await control(relay, "/ask", { delay_ms: 0 });
  const answer = "word-wxyz ".repeat(599) + "word-0599.";
  const bot = await run(f);
  const ev = new Events(bot);
  await running(bot);
  await f.say(`echo: ${answer}`);
  const sent = await ev.until("reply_sent", 30000);
  assert.equal(sent.messageIds.length, 2);
  await bot.stop();
  const [a, b] = await f.botMsgs();
  assert.ok(a!.text.length <= 4096);
  assert.equal(a!.text + b!.text, answer);
}));

test("slack: a 429 is waited out (Retry-After)", () => withFake("slack", async (f) => {
  await control(relay, "/ask", { delay_ms: 0 });
  await f.call("/_fake/fail", { method: "chat.postMessage", status: 429, retry_after: 1, count: 1 });
  const bot = await run(f);
  const ev = new Events(bot);
  await running(bot);
  await f.say("echo: hello there");
  await ev.until("reply_sent");
  await bot.stop();
  const calls = (await f.call("/_fake/calls?method=chat.postMessage")) as { status: number; t: number }[];
  assert.deepEqual(calls.map((k) => k.status), [429, 200]);
  assert.ok(calls[1]!.t - calls[0]!.t >= 0.95);
}));

test("discord: the gateway drops and the session resumes", () => withFake("discord", async (f) => {
  await control(relay, "/ask", { delay_ms: 0 });
  const bot = await run(f);
  const ev = new Events(bot);
  await running(bot);
  await f.call("/_fake/drop", { mode: "abort" });
  await f.say("echo: still here");
  await ev.until("reply_sent");
  await bot.stop();
  assert.equal((await f.botMsgs())[0]!.text, "still here");
  const st = await f.call("/_fake/state");
  assert.equal(st.resumes, 1);
  assert.equal(st.identifies, 1);
}));

test("telegram: stop drains the ask in flight, then the events end", () => withFake("telegram", async (f) => {
  await control(relay, "/ask", { delay_ms: 100 });
  const bot = await run(f);
  const seen: string[] = [];
  const reader = (async () => {
    for await (const e of bot.events()) seen.push(e.type);
  })();
  await running(bot);
  await f.say("echo: a b c d e f g h");
  for (let i = 0; i < 200 && !seen.includes("ask_started"); i++) await new Promise((r) => setTimeout(r, 25));
  await bot.stop();
  await reader;
  assert.equal(bot.status(), "stopped");
  assert.ok(seen.includes("reply_sent"));
  assert.equal((await f.botMsgs())[0]!.text, "a b c d e f g h");
}));

test("telegram: `await using` stops the bot when the block ends", () => withFake("telegram", async (f) => {
  let seen: RunningBot | undefined;
  {
    await using bot = await run(f);
    seen = bot;
    await running(bot);
    assert.equal(bot.closed, false);
  }
  // [Symbol.asyncDispose]() is close(), which is stop(): it returns once the core ended it
  assert.equal(seen.closed, true);
  assert.equal(seen.status(), "stopped");
}));
