// machines.ask through the core: every frame type, pin/confirm answered
// mid-stream, collect, cancel by break and by AbortSignal, 100 streams.
import { test } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { AgentStreamError, CmdopError, ConnectionError, PinDeniedError, PinTimeoutError, TimeoutError, type AskFrame, type Client } from "@cmdop/sdk";
import { control, M, until, type Relay, relayPerFile } from "./support.js";

let relay: Relay;
let c: Client;
relayPerFile((r, cl) => {
  relay = r;
  c = cl;
});

async function frames(it: AsyncIterable<AskFrame>): Promise<AskFrame[]> {
  const out: AskFrame[] = [];
  for await (const f of it) out.push(f);
  return out;
}

test("event frames then done; collect joins the deltas", async () => {
  const fs = await frames(c.machines.ask(M(1), "echo: one two three"));
  const events = fs.filter((f) => f.type === "event");
  assert.equal(events.length, 3);
  assert.deepEqual(events[0], { type: "event", eventType: events[0]!.type === "event" ? (events[0] as { eventType: number }).eventType : 0, payload: { delta: "one " } });
  const done = fs.at(-1)!;
  assert.equal(done.type, "done");
  assert.ok(done.type === "done" && done.success && done.text === "one two three" && typeof done.durationMs === "number");
  assert.equal(await c.machines.ask(M(1), "echo: a b").collect(), "a b");
});

test("an unknown frame type arrives as {type: 'unknown'} with its type and payload, in order", async () => {
  await control(relay, "/ask", { unknown_type_after: 1 });
  const fs = await frames(c.machines.ask(M(1), "echo: x y"));
  assert.deepEqual(fs.map((f) => f.type), ["event", "unknown", "event", "done"]);
  const u = fs[1]!;
  assert.ok(u.type === "unknown");
  assert.equal(u.frameType, "telemetry");
  assert.deepEqual(u.raw, { type: "telemetry", cpu_pct: 12.5, note: "injected unknown type" });
  assert.equal(fs.at(-1)?.type, "done");
});

test("pin_required answered mid-stream with the right PIN", async () => {
  const s = c.machines.ask(M(3), "echo: guarded");
  const seen: string[] = [];
  for await (const f of s) {
    seen.push(f.type);
    if (f.type === "pin_required") {
      assert.match(f.label, /charlie/);
      await s.pin(f.challengeId, "1234");
    }
    if (f.type === "done") assert.equal(f.text, "guarded");
  }
  assert.deepEqual([seen[0], seen.at(-1)], ["pin_required", "done"]);
});

test("a wrong PIN gives a pin_denied frame then PinDeniedError", async () => {
  const s = c.machines.ask(M(3), "echo: guarded");
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const f of s) {
      seen.push(f.type);
      if (f.type === "pin_required") await s.pin(f.challengeId, "0000");
      if (f.type === "pin_denied") assert.ok(f.challengeId);
    }
  }, PinDeniedError);
  assert.ok(seen.includes("pin_denied"));
});

test("no PIN in time is PinTimeoutError; upfront PIN needs no answer", async () => {
  await control(relay, "/ask", { pin_timeout_ms: 200 });
  await assert.rejects(frames(c.machines.ask(M(3), "hi")), PinTimeoutError);
  assert.equal(await c.machines.ask(M(3), "echo: upfront ok", { pin: "1234" }).collect(), "upfront ok");
});

test("confirm_required: accept resumes, reject ends with a failed done", async () => {
  const s = c.machines.ask(M(1), "rm -rf /tmp/x");
  let confirmed = false;
  let done: AskFrame | undefined;
  for await (const f of s) {
    if (f.type === "confirm_required") {
      assert.equal(f.dangerLevel, "high");
      assert.match(f.plan, /rm -rf/);
      await s.confirm(f.token, true);
      confirmed = true;
    }
    if (f.type === "done") done = f;
  }
  assert.ok(confirmed && done?.type === "done" && done.success);
  const r = c.machines.ask(M(1), "sudo reboot");
  for await (const f of r) {
    if (f.type === "confirm_required") await r.confirm(f.token, false);
    if (f.type === "done") assert.equal(f.success, false);
  }
});

test("an offline machine is AgentStreamError with the agent's code", async () => {
  const e = await c.machines.ask(M(4), "hi").collect().catch((x: unknown) => x);
  assert.ok(e instanceof AgentStreamError);
  assert.equal(e.code, "machine_offline");
});

test("an idle stream is a TimeoutError and a ConnectionError, still an AgentStreamError", async () => {
  await control(relay, "/ask", { stall_ms: 4000, stall_after: 1, heartbeat_ms: 0 });
  const t0 = Date.now();
  const e = await c.machines.ask(M(1), "echo: a b", { timeoutSeconds: 1 }).collect().catch((x: unknown) => x);
  assert.ok(Date.now() - t0 < 3500);
  assert.ok(e instanceof TimeoutError, String(e));
  assert.ok(e instanceof ConnectionError && e instanceof AgentStreamError && e instanceof CmdopError);
  assert.equal(e.code, "timeout");
});

test("TimeoutError and ConnectionError carry their kind's code", () => {
  const t = new TimeoutError("slow");
  assert.equal(t.code, "timeout");
  assert.ok(t instanceof ConnectionError && t.retryable);
  assert.equal(new ConnectionError("lost").code, "connection");
  assert.ok(!(new ConnectionError("lost") instanceof TimeoutError));
  const other = new AgentStreamError("boom", { code: "internal" });
  assert.ok(!(other instanceof ConnectionError) && !(other instanceof TimeoutError));
});

test("breaking out of the loop cancels the stream in the relay", async () => {
  await control(relay, "/ask", { delay_ms: 200 });
  const before = (await control(relay, "/streams")).cancelled as number;
  for await (const f of c.machines.ask(M(1), "one two three four five six seven eight")) {
    if (f.type === "event") break;
  }
  await until(async () => (await control(relay, "/streams")).cancelled === before + 1);
});

test("an AbortSignal cancels the stream in the relay", async () => {
  await control(relay, "/ask", { delay_ms: 200 });
  const before = (await control(relay, "/streams")).cancelled as number;
  const ac = new AbortController();
  const s = c.machines.ask(M(1), "one two three four five six seven eight", { signal: ac.signal });
  await assert.rejects(async () => {
    for await (const f of s) if (f.type === "event") ac.abort();
  }, (e: Error) => e.name === "AbortError");
  await until(async () => (await control(relay, "/streams")).cancelled === before + 1);
});

test("a signal shared by many calls and streams is let go when each ends", async () => {
  const ac = new AbortController(); // one long-lived signal: listeners left behind would pile up
  for (let i = 0; i < 12; i++) {
    await c.machines.list({ signal: ac.signal });
    assert.equal(await c.machines.ask(M(1), `echo: s${i}`, { signal: ac.signal }).collect(), `s${i}`);
  }
  assert.equal(getEventListeners(ac.signal, "abort").length, 0);
});

test("a stream whose signal is already aborted never opens", async () => {
  const opened = (await control(relay, "/streams")).opened as number;
  await assert.rejects(c.machines.ask(M(1), "hi", { signal: AbortSignal.abort() }).collect(), (e: Error) => e.name === "AbortError");
  assert.equal((await control(relay, "/streams")).opened, opened);
});

test("100 concurrent streams each get their own answer", async () => {
  const texts = await Promise.all(Array.from({ length: 100 }, (_, i) => c.machines.ask(M(1 + (i % 2)), `echo: s${i} done`).collect()));
  texts.forEach((t, i) => assert.equal(t, `s${i} done`));
});
