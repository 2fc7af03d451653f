// The stream limit is a per-client option (docs/stdio.md "Streams"):
// maxStreams reaches the client's core as CMDOP_MAX_STREAMS; one stream over
// it is refused `unavailable` while the others go on, and an ended stream
// frees its place.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CmdopError, type AskFrame } from "@cmdop/sdk";
import { client, control, M, type Relay, relayPerFile } from "./support.js";

let relay: Relay;
relayPerFile((r) => {
  relay = r;
});

test("maxStreams: 2 refuses a third open stream, not a later one", async () => {
  await control(relay, "/ask", { delay_ms: 500, heartbeat_ms: 0, streams: 8 });
  const c = client(relay, { maxStreams: 2 });
  try {
    const open = [c.machines.ask(M(1), "echo: a b c d"), c.machines.ask(M(1), "echo: a b c d")];
    const firsts = await Promise.all(open.map((s) => s.next()));
    assert.ok(firsts.every((r) => !r.done && r.value.type === "event"));
    await assert.rejects(c.machines.ask(M(1), "echo: e").next(), (e: unknown) => {
      assert.ok(e instanceof CmdopError);
      assert.equal(e.code, "unavailable");
      assert.match(e.message, /2 streams are open already \(CMDOP_MAX_STREAMS\)/);
      return true;
    });
    for (const s of open) {
      const rest: AskFrame[] = [];
      for (let r = await s.next(); !r.done; r = await s.next()) rest.push(r.value);
      const done = rest.at(-1);
      assert.ok(done?.type === "done" && done.text === "a b c d");
    }
    const again: AskFrame[] = [];
    for await (const f of c.machines.ask(M(1), "echo: e")) again.push(f);
    assert.ok(again.at(-1)?.type === "done");
  } finally {
    await c.close();
  }
});
