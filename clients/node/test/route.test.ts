// The core's stdout reader (src/core.ts) fed by hand, behind a fake core that
// only says hello: frames are routed by the id their head reads (1 to 5
// varint bytes, and 0, which the core does not write) before anything is
// decoded, so a frame for an id nobody waits on is dropped unread; a frame
// cut anywhere across reads is read once, whole; the frames written in one
// tick leave in one writev.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Client, IDL_HASH } from "@cmdop/sdk";

const dist = (p: string): Promise<any> => import(new URL(`../../dist/esm/${p}`, import.meta.url).href);
const wire = await dist("wire.js");
const { EnvelopeSchema } = await dist("gen/proto/cmdop/core/v1/envelope_pb.js");
const { Kind } = await dist("gen/proto/cmdop/core/v1/common_pb.js");

const dir = mkdtempSync(join(tmpdir(), "cmdop-route-"));
writeFileSync(join(dir, "hello.bin"), wire.encodeEnvelope(0, Kind.RESPONSE, { case: "hello", value: { version: "fake", idlHash: IDL_HASH } }));
writeFileSync(join(dir, "core"), `#!/bin/sh\ncat "${dir}/hello.bin"\nexec cat >/dev/null\n`);
chmodSync(join(dir, "core"), 0o755);

const clients: Client[] = [];
after(() => Promise.all(clients.map((c) => c.close())));

/** A client on the fake core, once its hello is in: its Core and the reader of the core's stdout. */
async function reader(): Promise<{ core: any; feed: (chunk: Buffer) => void }> {
  const c = new Client({ token: "T", binaryPath: join(dir, "core") });
  clients.push(c);
  const core = (c as any).core;
  const proc = await core.start();
  const listener = proc.stdout.listeners("data")[0];
  return { core, feed: (chunk) => listener(chunk) };
}

/** A sink recording what reaches it: wire() (its answer given by `take`), frame(), fail(). */
function spy(take: boolean): any {
  const got: any = { wired: [] as number[], frames: [] as any[], failed: [] as unknown[] };
  got.wire = (h: any, bytes: Uint8Array): boolean => {
    got.wired.push(h.id);
    got.parts = wire.envelopeParts(h, bytes);
    return take;
  };
  got.frame = (env: any): void => { got.frames.push(env); };
  got.fail = (e: unknown): void => { got.failed.push(e); };
  return got;
}

/** An Envelope's bytes: `id` undefined leaves field 1 out, as the core writes id 0. */
function envelope(id: number | undefined, n: number): Uint8Array {
  return toBinary(EnvelopeSchema, create(EnvelopeSchema, {
    ...(id === undefined ? {} : { id }), kind: Kind.EVENT,
    payload: { case: "askFrame", value: { type: { case: "event", value: { eventType: n, payloadJson: `{"n":${n}}` } } } },
  } as any));
}

/** Size-delimited, as the core writes them. */
function framed(...bodies: Uint8Array[]): Buffer {
  return Buffer.concat(bodies.flatMap((b) => {
    const prefix: number[] = [];
    for (let v = b.length; ; v >>>= 7) {
      if (v < 0x80) { prefix.push(v); break; }
      prefix.push((v & 0x7f) | 0x80);
    }
    return [Buffer.from(prefix), Buffer.from(b)];
  }));
}

test("frames are routed by the id in their head (1 to 5 varint bytes, and 0 unwritten), before any decoding", async () => {
  const { core, feed } = await reader();
  const ids = [0, 1, 127, 128, 16383, 16384, 2097151, 2097152, 268435456, 4294967295];
  const sinks = ids.map((id, i) => {
    const s = spy(i % 2 === 0); // half take their frame undecoded, half hand it back
    core.sinks.set(id, s);
    return s;
  });
  const bodies = ids.map((id, i) => envelope(id === 0 ? undefined : id, i));
  assert.equal(bodies[0]![0], 0x10, "id 0: no field 1, the kind comes first");
  feed(framed(...bodies));
  ids.forEach((id, i) => {
    const s = sinks[i];
    assert.deepStrictEqual(s.wired, [id], `id ${id}`);
    assert.deepStrictEqual([s.parts.arm, s.parts.member], ["askFrame", "event"]);
    // handed back (wire() false): decoded then, as fromBinary reads it
    assert.deepStrictEqual(s.frames, i % 2 === 0 ? [] : [fromBinary(EnvelopeSchema, bodies[i]!)], `id ${id}`);
  });
});

test("a frame for an id nobody waits on is dropped unread: a payload that is not its arm's does not end the client", async () => {
  const { core, feed } = await reader();
  const s = spy(false);
  core.sinks.set(2, s);
  // id 9 (no sink): the askFrame arm holds bytes that are no AskFrame (a field 1 cut short)
  const bad = Buffer.from([0x08, 0x09, 0x10, 0x03, 0xca, 0x02, 0x02, 0x0a, 0x05]);
  assert.throws(() => fromBinary(EnvelopeSchema, bad));
  feed(framed(bad, envelope(2, 1)));
  assert.deepStrictEqual(s.failed, []);
  assert.equal(s.frames.length, 1);
  assert.equal(core.proc !== undefined, true, "the core is still this client's");
});

test("a frame cut anywhere across two or three reads is read once, whole", async () => {
  const { core, feed } = await reader();
  const s = spy(false);
  core.sinks.set(300, s);
  // a frame with a two-byte length prefix between two short ones
  const big = toBinary(EnvelopeSchema, create(EnvelopeSchema, {
    id: 300, kind: Kind.EVENT, payload: { case: "askFrame", value: { type: { case: "event", value: { payloadJson: JSON.stringify("x".repeat(200)) } } } },
  } as any));
  const bodies = [envelope(300, 1), big, envelope(300, 2)];
  const all = framed(...bodies);
  const want = bodies.map((b) => fromBinary(EnvelopeSchema, b));
  for (let i = 0; i <= all.length; i++) {
    for (const j of [i, Math.min(all.length, i + 1), Math.min(all.length, i + 150)]) {
      s.frames.length = 0;
      feed(Buffer.from(all.subarray(0, i)));
      feed(Buffer.from(all.subarray(i, j)));
      feed(Buffer.from(all.subarray(j)));
      assert.deepStrictEqual(s.frames, want, `cut at ${i} and ${j}`);
    }
  }
});

test("the frames written in one tick leave in one writev", async () => {
  const { core } = await reader();
  const writes: number[] = [];
  const stdin = new Writable({
    write(chunk: Buffer, _enc, cb) { writes.push(1); cb(); },
    writev(chunks, cb) { writes.push(chunks.length); cb(); },
  });
  const proc = { stdin };
  for (let i = 1; i <= 3; i++) core.write(proc, wire.encodeEnvelope(i, Kind.CANCEL));
  assert.deepStrictEqual(writes, [], "nothing out before the tick ends");
  await new Promise((r) => process.nextTick(r));
  core.write(proc, wire.encodeEnvelope(4, Kind.CANCEL));
  await new Promise((r) => setImmediate(r));
  assert.deepStrictEqual(writes, [3, 1]);
});
