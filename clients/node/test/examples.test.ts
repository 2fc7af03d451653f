// examples/node runs unchanged against the local relay (compiled by run.sh
// into .build/examples with `tsc --strict`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { startRelay, stopRelay, type Relay } from "./support.js";

let relay: Relay;
before(async () => {
  relay = await startRelay();
});
after(() => stopRelay(relay));

test("the quickstart runs and shows every step", async () => {
  const script = fileURLToPath(new URL("../examples/quickstart.js", import.meta.url));
  const { stdout } = await promisify(execFile)("node", [script], {
    env: { ...process.env, CMDOP_TOKEN: "T", CMDOP_API_KEY: "K", CMDOP_BASE_URL: relay.relayUrl, CMDOP_API_BASE_URL: relay.platformUrl },
  });
  for (const want of [/machines.list\(\{limit: 2\}\): 2 machines, hasMore=true/, /alpha\s+online/, /NotFoundError not_found/,
    /collect\(\): "ok: hello from node"/, /confirm_required: run: rm -rf/, /pin_required: PIN for charlie -> answering/,
    /done: success=true/, /fleets.create: Node quickstart/, /keys.revoke\(.+\): done/, /skills.list: 12 skills/, /wrong token: AuthError \(auth\)/]) {
    assert.match(stdout, want);
  }
});
