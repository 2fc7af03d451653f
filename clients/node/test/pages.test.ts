// The core pages for the client (docs/stdio.md "Pages"): pages()/iter() are
// thin loops over PAGES/NEXT answers, so the stop rules are the C pager's (a
// repeated cursor ends the iteration as in C), and `break`, return() or an
// aborted signal release the core's iterator. collect() is the core's one
// rule (COLLECT), also for an empty delta.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError, type Client } from "@cmdop/sdk";
import { client, control, M, until, type Relay, relayPerFile } from "./support.js";

let relay: Relay;
let c: Client;
relayPerFile((r, cl) => {
  relay = r;
  c = cl;
});

async function listRequests(): Promise<number> {
  const r = (await control(relay, "/requests")) as { requests: { path: string }[] };
  return r.requests.filter((x) => x.path === "/api/machines").length;
}

test("a repeated cursor stops pages() with the C rule", async () => {
  await control(relay, "/pages", { repeat_cursor: 5 });
  const sizes: number[] = [];
  let last: { hasMore: boolean; nextCursor?: string } | undefined;
  for await (const p of c.machines.pages({ limit: 2 })) {
    sizes.push(p.items.length);
    last = p;
  }
  assert.deepEqual(sizes, [2, 2]);
  assert.ok(last?.hasMore && last.nextCursor); // the server still says "more"
  assert.equal(await listRequests(), 2);
});

test("a repeated cursor stops iter() with the C rule", async () => {
  await control(relay, "/pages", { repeat_cursor: 5 });
  const names: string[] = [];
  for await (const m of c.machines.iter({ limit: 2 })) names.push(m.name);
  assert.deepEqual(names, ["alpha", "bravo", "charlie", "delta"]);
  assert.equal(await listRequests(), 2);
});

// The core's debug log (CMDOP_LOG=debug into CMDOP_LOG_FILE) says when it released an iterator.
function debugClient(): { d: Client; log: () => string } {
  const dir = mkdtempSync(join(tmpdir(), "cmdop-pages-"));
  const saved = { log: process.env.CMDOP_LOG, file: process.env.CMDOP_LOG_FILE };
  process.env.CMDOP_LOG = "debug";
  process.env.CMDOP_LOG_FILE = join(dir, "cmdop-core-test.log");
  const d = client(relay);
  process.env.CMDOP_LOG = saved.log;
  process.env.CMDOP_LOG_FILE = saved.file;
  if (saved.log === undefined) delete process.env.CMDOP_LOG;
  if (saved.file === undefined) delete process.env.CMDOP_LOG_FILE;
  const log = (): string =>
    readdirSync(dir).filter((f) => f.startsWith("cmdop-core-")).map((f) => readFileSync(join(dir, f), "utf8")).join("");
  return { d, log };
}

const RELEASED = "machines.list pages released (cancelled)";

test("break releases the iterator in the core", async () => {
  const { d, log } = debugClient();
  try {
    for await (const p of d.machines.pages({ limit: 1 })) {
      assert.deepEqual(p.items.map((m) => m.name), ["alpha"]);
      break;
    }
    await until(async () => log().includes(RELEASED));
    assert.equal(await listRequests(), 1); // no page fetched after the break
    let n = 0;
    for await (const _ of d.machines.iter({ limit: 2 })) n++; // the core still serves
    assert.equal(n, 5);
  } finally {
    await d.close();
  }
});

test("return() of iter() and an aborted signal release the iterator", async () => {
  const { d, log } = debugClient();
  try {
    const it = d.machines.iter({ limit: 1 });
    assert.equal((await it.next()).value?.name, "alpha");
    await it.return();
    await until(async () => log().split(RELEASED).length === 2);
    const ac = new AbortController();
    const names: string[] = [];
    await assert.rejects(async () => {
      for await (const m of d.machines.iter({ limit: 1, signal: ac.signal })) {
        names.push(m.name);
        ac.abort();
      }
    }, (e: Error) => e.name === "AbortError");
    assert.deepEqual(names, ["alpha"]);
    await until(async () => log().split(RELEASED).length === 3);
  } finally {
    await d.close();
  }
});

test("an error ends the iteration", async () => {
  const it = c.machines.pages({ limit: 2 });
  assert.equal((await it.next()).value?.items.length, 2);
  await control(relay, "/fail", { count: 10, status: 404 });
  await assert.rejects(it.next(), NotFoundError);
  assert.equal((await it.next()).done, true);
});

test("collect() with an empty delta is the C rule", async () => {
  // an event {"delta": "", "text": "[empty delta]"} contributes its text;
  // done.text is "" so collect() joins the deltas
  await control(relay, "/ask", { empty_delta_after: 1, empty_done_text: 1, delay_ms: 0 });
  assert.equal(await c.machines.ask(M(1), "echo: a b").collect(), "a [empty delta]b");
});
