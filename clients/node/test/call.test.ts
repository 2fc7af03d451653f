// The shim's Call (src/call.ts) on its own, with a recording opener and no
// core: a waiting reader is handed each frame as it is pushed, frames pushed
// while nobody waits are read in order, SKIP reads on, a step's throw ends
// that next(), a terminal frame ends the call, return() and an abort send
// CANCEL (the abort rejecting with its reason), the core's loss rejects.
// With a parts step, frames handed over undecoded (the sink's wire()) are
// made from their bytes: for a waiting reader, and queued in order for one
// that is not waiting yet.
import { test } from "node:test";
import assert from "node:assert/strict";

const dist = (p: string): Promise<any> => import(new URL(`../../dist/esm/${p}`, import.meta.url).href);
const { Call, SKIP } = await dist("call.js");
const { Kind } = await dist("gen/proto/cmdop/core/v1/common_pb.js");
const { EnvelopeSchema } = await dist("gen/proto/cmdop/core/v1/envelope_pb.js");
const wire = await dist("wire.js");
const { create, toBinary } = await import("@bufbuild/protobuf");

/** A Call whose opener records its sink and the frames posted on its id. */
function opened(signal?: AbortSignal): { call: any; sink: () => any; posted: number[] } {
  let sink: any;
  const posted: number[] = [];
  const call = new Call(async (s: any) => {
    sink = s;
    return Object.assign((kind: number) => { posted.push(kind); }, { id: 1 });
  }, signal);
  return { call, sink: () => sink, posted };
}

const env = (kind: number, n = 0): any => ({ id: 1, kind, n });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test("a waiting reader gets each frame as it comes; SKIP reads on; a terminal frame is the last", async () => {
  const { call, sink } = opened();
  const step = (e: any): unknown => (e.kind === Kind.RESPONSE ? SKIP : e.n);
  const first = call.nextAs(step);
  await tick();
  sink().frame(env(Kind.EVENT, 1));
  assert.deepStrictEqual(await first, { done: false, value: 1 });
  const second = call.nextAs(step);
  sink().frame(env(Kind.RESPONSE, 2)); // skipped, and terminal: the call ends
  assert.deepStrictEqual(await second, { done: true, value: undefined });
  sink().frame(env(Kind.EVENT, 3)); // after the end: not this call's
  assert.deepStrictEqual(await call.nextAs(step), { done: true, value: undefined });
});

test("frames pushed while nobody waits are read in order, then the reader waits again", async () => {
  const { call, sink } = opened();
  await call.begin();
  for (let n = 1; n <= 3; n++) sink().frame(env(Kind.EVENT, n));
  assert.equal(call.queued, 3);
  const got: number[] = [];
  for (let i = 0; i < 3; i++) got.push((await call.next()).value.n);
  assert.deepStrictEqual(got, [1, 2, 3]);
  const later = call.next();
  sink().frame(env(Kind.DONE, 4));
  assert.equal((await later).value.n, 4);
  assert.deepStrictEqual(await call.next(), { done: true, value: undefined });
});

test("a step's throw rejects that next() only; a thrown terminal frame ends the call", async () => {
  const { call, sink } = opened();
  const step = (e: any): unknown => { if (e.n < 0) throw new Error(`bad ${e.n}`); return e.n; };
  const a = call.nextAs(step);
  await tick();
  sink().frame(env(Kind.EVENT, -1));
  await assert.rejects(a, /bad -1/);
  sink().frame(env(Kind.EVENT, 5));
  assert.deepStrictEqual(await call.nextAs(step), { done: false, value: 5 });
  sink().frame(env(Kind.ERROR, -2));
  await assert.rejects(call.nextAs(step), /bad -2/);
  assert.deepStrictEqual(await call.nextAs(step), { done: true, value: undefined });
});

test("two next() at once settle in order", async () => {
  const { call, sink } = opened();
  const a = call.next(), b = call.next();
  await tick();
  sink().frame(env(Kind.EVENT, 1));
  sink().frame(env(Kind.EVENT, 2));
  assert.deepStrictEqual([(await a).value.n, (await b).value.n], [1, 2]);
});

test("return() while a reader waits: CANCEL once, the reader is done", async () => {
  const { call, posted } = opened();
  const waiting = call.next();
  await tick();
  await call.return();
  assert.deepStrictEqual(await waiting, { done: true, value: undefined });
  await call.return();
  await tick();
  assert.deepStrictEqual(posted, [Kind.CANCEL]);
});

test("an abort while a reader waits: CANCEL, the reader rejects with the signal's reason", async () => {
  const ac = new AbortController();
  const { call, posted } = opened(ac.signal);
  const waiting = call.next();
  await tick();
  ac.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  await tick();
  assert.deepStrictEqual(posted, [Kind.CANCEL]);
  assert.deepStrictEqual(await call.next(), { done: true, value: undefined });
});

test("the core's loss rejects a waiting reader and one that comes later", async () => {
  const { call, sink } = opened();
  const waiting = call.next();
  await tick();
  sink().fail(new Error("core lost"));
  await assert.rejects(waiting, /core lost/);
  const b = opened();
  await b.call.begin();
  b.sink().frame(env(Kind.EVENT, 1));
  b.sink().fail(new Error("core lost"));
  assert.equal((await b.call.next()).value.n, 1);
  await assert.rejects(b.call.next(), /core lost/);
  assert.deepStrictEqual(await b.call.next(), { done: true, value: undefined });
});

/** An ask event Envelope's bytes and head, as the reader hands them to wire(). */
function wired(kind: number, n: number): [any, Uint8Array] {
  const bytes = toBinary(EnvelopeSchema, create(EnvelopeSchema, {
    id: 1, kind, payload: { case: "askFrame", value: { type: { case: "event", value: { eventType: n, payloadJson: "{}" } } } },
  } as any));
  return [wire.envelopeHead(bytes), bytes];
}

/** Steps over envelopes (counted) and over parts: an event's eventType, RESPONSE skipped. */
function steps(): { step: (e: any) => unknown; parts: (...a: any[]) => unknown; decoded: () => number } {
  let decoded = 0;
  return {
    step: (e: any): unknown => { decoded++; return e.kind === Kind.RESPONSE ? SKIP : e.payload?.value?.type?.value?.eventType ?? e.n; },
    parts: (kind: number, arm: string, member: string, value: any): unknown =>
      kind === Kind.RESPONSE ? SKIP : arm === "askFrame" && member === "event" ? value.eventType : undefined,
    decoded: () => decoded,
  };
}

test("a waiting reader with a parts step gets its frame from the bytes, no Envelope decoded", async () => {
  const { call, sink } = opened();
  const s = steps();
  const first = call.nextAs(s.step, s.parts);
  await tick();
  assert.equal(sink().wire(...wired(Kind.EVENT, 7)), true);
  assert.deepStrictEqual(await first, { done: false, value: 7 });
  const second = call.nextAs(s.step, s.parts);
  assert.equal(sink().wire(...wired(Kind.DONE, 8)), true); // terminal: the last
  assert.deepStrictEqual(await second, { done: false, value: 8 });
  assert.deepStrictEqual(await call.nextAs(s.step, s.parts), { done: true, value: undefined });
  assert.equal(s.decoded(), 0);
  assert.equal(sink().wire(...wired(Kind.EVENT, 9)), true, "after the end: dropped, not decoded");
});

test("frames that come before the reader waits again are made at once and read in order with envelopes and the loss", async () => {
  const { call, sink } = opened();
  const s = steps();
  const first = call.nextAs(s.step, s.parts);
  await tick();
  sink().wire(...wired(Kind.EVENT, 1));
  // nobody waits now (the reader resumes after this read of stdout): queued, made already
  assert.equal(sink().wire(...wired(Kind.EVENT, 2)), true);
  assert.equal(sink().wire(...wired(Kind.RESPONSE, 0)), true); // skipped, and terminal: the core sends nothing after it
  sink().frame(env(Kind.EVENT, 3));
  assert.equal(call.queued, 3);
  assert.equal((await first).value, 1);
  assert.deepStrictEqual(await call.nextAs(s.step, s.parts), { done: false, value: 2 });
  // the skipped RESPONSE was terminal: the call ends there, the envelope after it is dropped
  assert.deepStrictEqual(await call.nextAs(s.step, s.parts), { done: true, value: undefined });
  const b = opened();
  const w = b.call.nextAs(s.step, s.parts);
  await tick();
  b.sink().wire(...wired(Kind.EVENT, 1));
  b.sink().wire(...wired(Kind.EVENT, 2));
  b.sink().fail(new Error("core lost"));
  assert.equal((await w).value, 1);
  assert.equal((await b.call.nextAs(s.step, s.parts)).value, 2);
  await assert.rejects(b.call.nextAs(s.step, s.parts), /core lost/);
});

test("a frame the parts step cannot make, and any before a parts step is given, is handed back for decoding", async () => {
  const { call, sink } = opened();
  await call.begin();
  assert.equal(sink().wire(...wired(Kind.EVENT, 1)), false, "no reader has given a parts step yet");
  sink().frame(env(Kind.EVENT, 1)); // as Core does then: the decoded Envelope
  const s = steps();
  assert.deepStrictEqual(await call.nextAs(s.step, s.parts), { done: false, value: 1 });
  assert.equal(s.decoded(), 1);
  const waiting = call.nextAs(s.step, s.parts);
  await tick();
  const [h, bytes] = wired(Kind.EVENT, 2);
  const other = toBinary(EnvelopeSchema, create(EnvelopeSchema, { id: 1, kind: Kind.EVENT, payload: { case: "collected", value: { text: "x" } } } as any));
  assert.equal(sink().wire(wire.envelopeHead(other), other), false); // parts step: undefined
  sink().frame(env(Kind.EVENT, 5));
  assert.deepStrictEqual(await waiting, { done: false, value: 5 });
  assert.equal(sink().wire(h, bytes), true);
  assert.deepStrictEqual(await call.nextAs(s.step, s.parts), { done: false, value: 2 });
});
