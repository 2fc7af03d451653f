// The ask rules before the network (docs/reliability.md): the IDL's
// constraints on machines.ask and the side-channel answers' arguments are
// ValidationErrors naming the field; no such request reaches the relay.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AgentStreamError, ValidationError, type Client } from "@cmdop/sdk";
import { control, M, type Relay, relayPerFile } from "./support.js";

let relay: Relay;
let c: Client;
relayPerFile((r, cl) => {
  relay = r;
  c = cl;
});

async function paths(): Promise<string[]> {
  const r = (await control(relay, "/requests")) as { requests: { path: string }[] };
  return r.requests.map((x) => x.path.split("/").pop() ?? "");
}

async function validation(p: Promise<unknown>, field: string): Promise<unknown> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof ValidationError, String(e));
  assert.equal(e.code, "validation");
  assert.equal(e.field, field);
  return e;
}

test("the ask rules are ValidationErrors naming the field, before the network", async () => {
  for (const [prompt, opts, field] of [["", {}, "prompt"], ["x".repeat(100001), {}, "prompt"],
    ["hi", { timeoutSeconds: -1 }, "timeout_seconds"], ["hi", { timeoutSeconds: 0 }, "timeout_seconds"]] as const) {
    const e = await validation(c.machines.ask(M(1), prompt, opts).collect(), field);
    assert.ok(e instanceof AgentStreamError); // still the stream's class
  }
  assert.deepEqual(await paths(), []);
});

test("pin() arguments are checked before they are sent", async () => {
  const s = c.machines.ask(M(3), "echo: gated");
  for await (const f of s) {
    if (f.type === "pin_required") {
      await validation(s.pin(f.challengeId, ""), "pin");
      await validation(s.pin(f.challengeId, "12\u000034"), "pin");
      await validation(s.pin(f.challengeId, 1234 as unknown as string), "pin");
      await validation(s.pin("", "1234"), "challenge_id");
      await s.pin(f.challengeId, "1234");
    }
  }
  assert.equal((await paths()).filter((p) => p === "pin").length, 1);
});

test("confirm() arguments are checked before they are sent", async () => {
  const s = c.machines.ask(M(1), "rm -rf /tmp/scratch");
  let success: boolean | undefined;
  for await (const f of s) {
    if (f.type === "confirm_required") {
      await validation(s.confirm("", true), "token");
      await validation(s.confirm(f.token, "yes" as unknown as boolean), "accept");
      await validation(s.confirm(f.token, 1 as unknown as boolean), "accept");
      await s.confirm(f.token, true);
    }
    if (f.type === "done") success = f.success;
  }
  assert.equal(success, true);
  assert.equal((await paths()).filter((p) => p === "confirm").length, 1);
});
