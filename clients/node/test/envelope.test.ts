// The 1.1 envelope from the Node client (docs/stdio.md "The 1.1 schema"): list
// pages travel as OffsetPage, and the client's hello makes "absent = not passed".
import { test } from "node:test";
import assert from "node:assert/strict";
import { ValidationError, type Client } from "@cmdop/sdk";
import { client, control, FLEET, type Relay, relayPerFile } from "./support.js";

let relay: Relay;
let c: Client;
relayPerFile((r, cl) => {
  relay = r;
  c = cl;
});

interface Recorded { method: string; path: string; query: Record<string, string>; body: any }

async function last(method: string, pathEnd: string): Promise<Recorded> {
  const got = await control(relay, "/requests");
  const reqs = (Array.isArray(got) ? got : got.requests) as Recorded[];
  const hits = reqs.filter((r) => r.method === method && r.path.endsWith(pathEnd));
  assert.ok(hits.length > 0, `no ${method} ...${pathEnd}`);
  return hits[hits.length - 1]!;
}

test("page + perPage travel as the 1.1 OffsetPage and reach the wire as page/per_page", async () => {
  await c.fleets.members.list(FLEET, { page: 2, perPage: 1 });
  let q = (await last("GET", "/members")).query;
  assert.equal(q.page, "2");
  assert.equal(q.per_page, "1");
  await c.fleets.members.list(FLEET);
  q = (await last("GET", "/members")).query;
  assert.equal(q.page, undefined);
  assert.equal(q.per_page, undefined);
});

test("pages() without perPage continues with the size of the first answer", async () => {
  const ids: string[] = [];
  for await (const m of c.fleets.members.iter(FLEET, { perPage: 1 })) ids.push(m.userId);
  assert.ok(ids.length >= 2);
  assert.equal(new Set(ids).size, ids.length);
});

test("a page past the first without perPage is refused (OffsetPage has no page number)", async () => {
  await assert.rejects(c.fleets.members.list(FLEET, { page: 2 }), (e: unknown) =>
    e instanceof ValidationError && e.field === "per_page");
  // perPage 0 is passed (the client said hello) and fails its range check
  await assert.rejects(c.fleets.members.list(FLEET, { perPage: 0 }), (e: unknown) =>
    e instanceof ValidationError && e.field === "per_page");
});

test("hello: an absent field is not passed (the IDL default applies)", async () => {
  // without our hello the core would read the absent is_enabled as false (1.1)
  const s = await c.schedules.create({ name: "nightly", cronExpr: "0 3 * * *", command: "uptime" });
  assert.equal(s.isEnabled, true);
  assert.equal((await last("POST", "/schedules")).body.is_enabled, true);
});
