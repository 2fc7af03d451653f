// Error kinds (docs/reliability.md "Errors by kind"): one ErrorInfo from the
// core becomes the same error here as in Python (the table is shared with
// clients/python/tests/test_error_kinds.py), and live: a stream that times out
// is a retryable TimeoutError.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as sdk from "@cmdop/sdk";
import { AgentStreamError, TimeoutError, errorFromInfo, type Client } from "@cmdop/sdk";
import { control, M, type Relay, relayPerFile } from "./support.js";

interface Case {
  code: string;
  stream: boolean;
  retryable: boolean | null;
  is: string[];
  is_not: string[];
  out_retryable: boolean;
}

const ROOT = process.env.CMDOP_TEST_ROOT ?? join(process.cwd(), "..", "..");
const table = JSON.parse(readFileSync(join(ROOT, "tests", "conformance", "error_kinds.json"), "utf8")) as { cases: Case[] };
const classes = sdk as unknown as Record<string, abstract new (...a: never[]) => unknown>;

for (const k of table.cases) {
  test(`ErrorInfo ${k.code} (${k.stream ? "stream" : "unary"}, retryable ${String(k.retryable)}) is the same kind as in Python`, () => {
    const e = errorFromInfo({ code: k.code, message: "m", ...(k.retryable === null ? {} : { retryable: k.retryable }) }, k.stream);
    for (const name of k.is) assert.ok(e instanceof classes[name]!, `not a ${name}`);
    for (const name of k.is_not) assert.ok(!(e instanceof classes[name]!), `a ${name}`);
    assert.equal(e.code, k.code);
    assert.equal(e.retryable, k.out_retryable);
  });
}

let relay: Relay;
let c: Client;
relayPerFile((r, cl) => {
  relay = r;
  c = cl;
});

test("a stalled stream is a retryable TimeoutError and an AgentStreamError", async () => {
  await control(relay, "/ask", { stall_ms: 4000, stall_after: 1, heartbeat_ms: 0 });
  const e = await c.machines.ask(M(1), "echo: a b", { timeoutSeconds: 1 }).collect().catch((x: unknown) => x);
  assert.ok(e instanceof TimeoutError && e instanceof AgentStreamError, String(e));
  assert.equal(e.retryable, true);
});
