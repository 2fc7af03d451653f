// Every op of the surface on a success path and an error path, through the
// real core against the real relay.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { AuthError, CmdopError, NotFoundError, ValidationError, type Client } from "@cmdop/sdk";
import { client, closeAll, control, FLEET, M, startRelay, stopRelay, type Relay } from "./support.js";

let relay: Relay;
let c: Client;
before(async () => {
  relay = await startRelay();
  c = client(relay);
});
after(async () => {
  await closeAll();
  await stopRelay(relay);
});
beforeEach(async () => {
  await control(relay, "/reset", { state: true });
});

const SCHED = "60000000-0000-4000-8000-000000000001";
const KEY = "50000000-0000-4000-8000-000000000001";
const TUNNEL = "40000000-0000-4000-8000-000000000001";
const BOT = "80000000-0000-4000-8000-000000000001";
const USER2 = "00000000-0000-4000-8000-000000000002";
const NOPE = "99999999-0000-4000-8000-000000000009";

type Row = [name: string, ok: (c: Client) => Promise<void>, fail: (c: Client) => Promise<unknown>, err: new (...a: any[]) => CmdopError];
const rows: Row[] = [
  ["machines.list", async (c) => { const l = await c.machines.list({ presence: "online" }); assert.equal(l.items.length, 4); }, (c) => c.machines.list({ limit: 0 }), ValidationError],
  ["machines.get", async (c) => assert.equal((await c.machines.get(M(1))).summary?.name, "alpha"), (c) => c.machines.get(NOPE), NotFoundError],
  ["machines.update", async (c) => assert.equal((await c.machines.update(M(2), { name: "b2" })).name, "b2"), (c) => c.machines.update(NOPE, { name: "x" }), NotFoundError],
  ["machines.disable", async (c) => { await c.machines.disable(M(5)); assert.ok((await c.machines.get(M(5))).summary?.disabledAt); }, (c) => c.machines.disable(NOPE), NotFoundError],
  ["machines.info", async (c) => assert.equal((await c.machines.info(M(1))).identity?.hostname, "alpha"), (c) => c.machines.info(NOPE), NotFoundError],
  ["machines.spend", async (c) => assert.equal((await c.machines.spend(M(1), { window: "30d" })).window, "30d"), (c) => c.machines.spend(M(1), { window: "2y" }), ValidationError],
  ["machines.messages", async (c) => assert.ok(Array.isArray((await c.machines.messages(M(1), { limit: 5 })).messages)), (c) => c.machines.messages(NOPE), NotFoundError],
  ["machines.clearMessages", async (c) => assert.equal(typeof (await c.machines.clearMessages(M(1))).deleted, "number"), (c) => c.machines.clearMessages(NOPE), NotFoundError],
  ["machines.activeSession", async (c) => assert.equal(typeof (await c.machines.activeSession(M(1))), "string"), (c) => c.machines.activeSession(NOPE), NotFoundError],
  ["fleets.list", async (c) => assert.equal((await c.fleets.list()).items[0]?.slug, "default"), (c) => c.fleets.list({ perPage: 1000 }), ValidationError],
  ["fleets.get", async (c) => assert.equal((await c.fleets.get(FLEET)).slug, "default"), (c) => c.fleets.get(NOPE), NotFoundError],
  ["fleets.create", async (c) => assert.equal((await c.fleets.create({ name: "N", slug: "new-fleet", mfaRequired: "required" })).mfaRequired, 3), (c) => c.fleets.create({ name: "", slug: "x" }), ValidationError],
  ["fleets.update", async (c) => assert.equal((await c.fleets.update(FLEET, { name: "Renamed" })).name, "Renamed"), (c) => c.fleets.update(NOPE, { name: "x" }), NotFoundError],
  ["fleets.disable", async (c) => { const f = await c.fleets.create({ name: "D", slug: "to-disable" }); await c.fleets.disable(f.id); }, (c) => c.fleets.disable(NOPE), NotFoundError],
  ["fleets.members.list", async (c) => assert.ok((await c.fleets.members.list()).items.length >= 3), (c) => c.fleets.members.list(NOPE), NotFoundError],
  ["fleets.members.add", async (c) => assert.equal((await c.fleets.members.add({ email: "new@example.com" })).role, "member"), (c) => c.fleets.members.add({ email: "new@example.com" }, { fleetId: NOPE }), NotFoundError],
  ["fleets.members.setRole", async (c) => assert.equal((await c.fleets.members.setRole(USER2, "viewer")).role, "viewer"), (c) => c.fleets.members.setRole(NOPE, "viewer"), NotFoundError],
  ["fleets.members.remove", async (c) => { await c.fleets.members.remove(USER2); }, (c) => c.fleets.members.remove(NOPE), NotFoundError],
  ["fleets.machines.list", async (c) => assert.equal((await c.fleets.machines.list(FLEET, { limit: 2 })).items.length, 2), (c) => c.fleets.machines.list(NOPE), NotFoundError],
  ["fleets.machines.attach", async (c) => { const f = await c.fleets.create({ name: "A", slug: "attach-here" }); assert.equal((await c.fleets.machines.attach(M(1), { fleetId: f.id })).fleetId, f.id); }, (c) => c.fleets.machines.attach(NOPE), NotFoundError],
  ["fleets.machines.detach", async (c) => { await c.fleets.machines.detach(M(3)); }, (c) => c.fleets.machines.detach(NOPE), NotFoundError],
  ["tunnels.open", async (c) => assert.equal((await c.tunnels.open("s-bravo", { localPort: 8080 })).localPort, 8080), (c) => c.tunnels.open("s-bravo", { localPort: 0 }), ValidationError],
  ["tunnels.close", async (c) => { await c.tunnels.close(TUNNEL); }, (c) => c.tunnels.close("not a uuid/../x"), CmdopError],
  ["tunnels.list", async (c) => assert.equal((await c.tunnels.list()).items[0]?.tunnelId, TUNNEL), (c) => c.tunnels.list({ page: 0 }), ValidationError],
  ["tunnels.get", async (c) => assert.equal((await c.tunnels.get(TUNNEL)).tunnelId, TUNNEL), (c) => c.tunnels.get(NOPE), NotFoundError],
  ["tunnels.sessions", async (c) => assert.equal((await c.tunnels.sessions()).length, 3), (c) => client(relay, { token: "wrong" }).tunnels.sessions(), AuthError],
  ["schedules.list", async (c) => assert.equal((await c.schedules.list()).items[0]?.id, SCHED), (c) => c.schedules.list({ fleetId: NOPE }), NotFoundError],
  ["schedules.get", async (c) => assert.equal((await c.schedules.get(SCHED)).id, SCHED), (c) => c.schedules.get(NOPE), NotFoundError],
  ["schedules.create", async (c) => assert.equal((await c.schedules.create({ name: "n", cronExpr: "0 * * * *", command: "uptime" })).timezone, "UTC"), (c) => c.schedules.create({ name: "", cronExpr: "x", command: "y" }), ValidationError],
  ["schedules.update", async (c) => assert.equal((await c.schedules.update(SCHED, { isEnabled: false })).isEnabled, false), (c) => c.schedules.update(NOPE, { name: "x" }), NotFoundError],
  ["schedules.delete", async (c) => { await c.schedules.delete(SCHED); await assert.rejects(c.schedules.get(SCHED), NotFoundError); }, (c) => c.schedules.delete(NOPE), NotFoundError],
  ["schedules.trigger", async (c) => assert.equal((await c.schedules.trigger(SCHED)).queued, true), (c) => c.schedules.trigger(NOPE), NotFoundError],
  ["schedules.runs", async (c) => assert.equal((await c.schedules.runs(SCHED)).items.length, 3), (c) => c.schedules.runs(NOPE), NotFoundError],
  ["keys.list", async (c) => assert.equal((await c.keys.list()).items[0]?.id, KEY), (c) => c.keys.list({ fleetId: NOPE }), NotFoundError],
  ["keys.issue", async (c) => assert.ok((await c.keys.issue({ name: "ci", expiresInDays: 7 })).rawToken), (c) => c.keys.issue({ name: "ci", expiresInDays: 0 }), ValidationError],
  ["keys.revoke", async (c) => { await c.keys.revoke(KEY); }, (c) => c.keys.revoke(NOPE), NotFoundError],
  ["skills.list", async (c) => assert.equal((await c.skills.list({ pageSize: 5 })).results.length, 5), (c) => c.skills.list({ pageSize: 0 }), ValidationError],
  ["skills.my", async (c) => assert.equal(typeof (await c.skills.my()).count, "number"), (c) => client(relay, { apiKey: "bad" }).skills.my(), AuthError],
  ["skills.get", async (c) => assert.equal((await c.skills.get("skill-01")).slug, "skill-01"), (c) => c.skills.get("no-such-skill"), NotFoundError],
  ["skills.install", async (c) => assert.equal((await c.skills.install("skill-01")).slug, "skill-01"), (c) => c.skills.install("no-such-skill"), NotFoundError],
  ["skills.star", async (c) => assert.equal(typeof (await c.skills.star("skill-01")).starred, "boolean"), (c) => c.skills.star("no-such-skill"), NotFoundError],
  ["skills.versions", async (c) => assert.equal((await c.skills.versions("skill-01")).items.length, 2), (c) => c.skills.versions("no-such-skill"), NotFoundError],
  ["skills.reviews", async (c) => assert.equal((await c.skills.reviews("skill-01")).results.length, 3), (c) => c.skills.reviews("no-such-skill"), NotFoundError],
  ["skills.create", async (c) => assert.equal((await c.skills.create("my-skill")).name, "my-skill"), (c) => c.skills.create(""), ValidationError],
  ["skills.update", async (c) => { const s = await c.skills.create("upd"); assert.ok(s.name); }, (c) => c.skills.update("no-such-skill", { name: "x" }), NotFoundError],
  ["skills.delete", async (c) => { const s = await c.skills.create("to-delete"); await c.skills.delete(s.name); }, (c) => c.skills.delete("no-such-skill"), NotFoundError],
  ["skills.publish", async (c) => { const s = await c.skills.create("to-publish"); assert.equal((await c.skills.publish(s.name, "[project]\nname='x'\n", { readme: "r" })).status, "accepted"); }, (c) => c.skills.publish("no-such-skill", "x"), NotFoundError],
  ["skills.publishStatus", async (c) => { const s = await c.skills.create("to-poll"); assert.equal((await c.skills.publishStatus(s.name)).status, "ok"); }, (c) => c.skills.publishStatus("no-such-skill"), NotFoundError],
  ["skills.categories", async (c) => assert.equal((await c.skills.categories()).items.length, 3), (c) => client(relay, { apiKey: "bad" }).skills.categories(), AuthError],
  ["skills.tags", async (c) => assert.equal((await c.skills.tags()).items.length, 4), (c) => client(relay, { apiKey: "bad" }).skills.tags(), AuthError],
  ["bots.list", async (c) => assert.equal((await c.bots.list()).results[0]?.id, BOT), (c) => c.bots.list({ pageSize: 0 }), ValidationError],
  ["bots.get", async (c) => assert.equal((await c.bots.get(BOT)).id, BOT), (c) => c.bots.get(NOPE), NotFoundError],
  ["bots.create", async (c) => assert.equal((await c.bots.create({ name: "b", platform: "slack", machineId: M(1) })).platform, 3), (c) => c.bots.create({ name: "b", platform: "slack", machineId: NOPE }), ValidationError],
  ["bots.update", async (c) => assert.equal((await c.bots.update(BOT, { enabled: false })).enabled, false), (c) => c.bots.update(NOPE, { enabled: false }), NotFoundError],
  ["bots.delete", async (c) => { await c.bots.delete(BOT); }, (c) => c.bots.delete(NOPE), NotFoundError],
];

for (const [name, ok, fail, err] of rows) {
  test(`${name}: success`, () => ok(c));
  test(`${name}: error`, async () => {
    const e = await fail(c).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof err, `${name}: expected ${err.name}, got ${String(e)}`);
    assert.ok(e instanceof CmdopError && e.code && e.message);
  });
}

test("errors carry status and the relay's request id", async () => {
  const e = await c.machines.get(NOPE).catch((x: unknown) => x);
  assert.ok(e instanceof NotFoundError);
  assert.equal(e.status, 404);
  const reqs = (await control(relay, "/requests")).requests as { request_id: string }[];
  assert.equal(e.requestId, reqs.at(-1)?.request_id);
  assert.equal(e.retryable, false);
});

test("a missing token fails per op with AuthError, not at construction", async () => {
  const saved = { t: process.env.CMDOP_TOKEN, k: process.env.CMDOP_API_KEY };
  delete process.env.CMDOP_TOKEN;
  delete process.env.CMDOP_API_KEY;
  try {
    const bare = client(relay, { token: undefined, apiKey: undefined });
    await assert.rejects(bare.machines.list(), AuthError);
    await bare.close();
  } finally {
    if (saved.t !== undefined) process.env.CMDOP_TOKEN = saved.t;
    if (saved.k !== undefined) process.env.CMDOP_API_KEY = saved.k;
  }
});

test("an explicitly passed empty list is passed: it clears allowedUsers / machineIds", async () => {
  // docs/stdio.md "Presence of lists and maps": [] sets the companion; leaving it out does not
  assert.deepEqual((await c.bots.update(BOT, { name: "kept" })).allowedUsers, ["@owner"]);
  assert.deepEqual((await c.bots.update(BOT, { allowedUsers: [] })).allowedUsers, []);
  assert.deepEqual((await c.bots.get(BOT)).allowedUsers, []);
  assert.deepEqual((await c.bots.update(BOT, { allowedUsers: ["u1", "u2"] })).allowedUsers, ["u1", "u2"]);
  assert.deepEqual((await c.schedules.update(SCHED, { machineIds: [M(1)] })).machineIds, [M(1)]);
  assert.deepEqual((await c.schedules.update(SCHED, { name: "n" })).machineIds, [M(1)]);
  assert.deepEqual((await c.schedules.update(SCHED, { machineIds: [] })).machineIds, []);
});

test("records are plain objects: an unset optional is absent, a required record is there", async () => {
  const last = await c.machines.list();
  assert.equal(last.hasMore, false);
  assert.equal(last.nextCursor, undefined);
  assert.ok(!("nextCursor" in last));
  const first = await c.machines.list({ limit: 2 });
  assert.equal(typeof first.nextCursor, "string");
  assert.equal(typeof first.items[0]?.specs.totalRamBytes, "bigint");
  const key = (await c.keys.list()).items[0]!;
  assert.equal(key.revokedAt, undefined);
});

test("pagination helpers walk every page", async () => {
  const names: string[] = [];
  for await (const m of c.machines.iter({ limit: 2 })) names.push(m.name);
  assert.deepEqual(names, ["alpha", "bravo", "charlie", "delta", "echo"]);
  let pages = 0;
  for await (const p of c.machines.pages({ limit: 2 })) pages += p.items.length ? 1 : 0;
  assert.equal(pages, 3);
  const fleetMachines: string[] = [];
  for await (const m of c.fleets.machines.iter(FLEET, { limit: 2 })) fleetMachines.push(m.id);
  assert.equal(fleetMachines.length, 5);
  const runs: string[] = [];
  for await (const r of c.schedules.iterRuns(SCHED, { limit: 1 })) runs.push(r.id);
  assert.equal(runs.length, 3);
  let n = 0;
  for await (const p of c.schedules.pagesRuns(SCHED, { limit: 2 })) n += p.items.length;
  assert.equal(n, 3);
  const skills: string[] = [];
  for await (const s of c.skills.iter({ pageSize: 5 })) skills.push(s.slug);
  assert.equal(skills.length, 12);
  for (const [it, want] of [[c.fleets.iter({ perPage: 1 }), 1], [c.keys.iter({ perPage: 1 }), 1], [c.tunnels.iter({ perPage: 1 }), 1], [c.schedules.iter({ perPage: 1 }), 1], [c.fleets.members.iter(FLEET, { perPage: 1 }), 3]] as const) {
    let k = 0;
    for await (const _ of it) k++;
    assert.ok(k >= want, `offset iter gave ${k}`);
  }
});

test("an AbortSignal cancels a unary call", async () => {
  const ac = new AbortController();
  ac.abort(new Error("stop"));
  await assert.rejects(c.machines.list({ signal: ac.signal }), /stop/);
  const ac2 = new AbortController();
  const p = c.machines.get(M(1), { signal: ac2.signal });
  ac2.abort();
  await assert.rejects(p, (e: Error) => e.name === "AbortError");
  assert.equal((await c.machines.list()).items.length, 5); // the client goes on
});

test("HTTP statuses from the relay map to their classes with status and retryAfter", async () => {
  const { PermissionError, ConflictError, RateLimitError, ServerError } = await import("@cmdop/sdk");
  const table = [[401, AuthError], [403, PermissionError], [404, NotFoundError], [409, ConflictError], [422, ValidationError],
    [429, RateLimitError], [500, ServerError], [503, ServerError]] as const;
  for (const [status, cls] of table) {
    await control(relay, "/reset", {});
    await control(relay, "/fail", { count: 50, status, ...(status === 429 ? { retry_after: "1" } : {}) });
    const e = await c.machines.get(M(1)).catch((x: unknown) => x);
    assert.ok(e instanceof cls, `${status}: ${String(e)}`);
    assert.equal(e.status, status);
    assert.ok(e.requestId);
    if (e instanceof RateLimitError) assert.equal(e.retryAfter, 1);
  }
  await control(relay, "/reset", {});
});
