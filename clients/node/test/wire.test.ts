// The hot paths' reader and writer (src/wire.ts) against protobuf-es: on
// random messages of every Envelope arm, a record read straight from the
// bytes is toRecord(fromBinary(...)) (same fields, order, defaults, type
// name), messageFrom and envelopeFrom are fromBinary, a stream's frame made
// from envelopeParts is the one made from the decoded Envelope, and
// encodeEnvelope (writeFlat) writes sizeDelimitedEncode's bytes. No core is run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { create, fromBinary, toBinary, ScalarType, type DescMessage } from "@bufbuild/protobuf";
import { sizeDelimitedEncode } from "@bufbuild/protobuf/wire";

// The package's internals, from its build (dist/esm beside .build/test).
const dist = (p: string): Promise<any> => import(new URL(`../../dist/esm/${p}`, import.meta.url).href);
const wire = await dist("wire.js");
const records = await dist("gen/records.js");
const frames = await dist("gen/frames.js");
const { EnvelopeSchema } = await dist("gen/proto/cmdop/core/v1/envelope_pb.js");

// A seeded generator: a failure reproduces.
let seed = 12345;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

function scalar(t: ScalarType): unknown {
  switch (t) {
    case ScalarType.STRING: return pick(["", "a", "héllo ✓", "20000000-0000-4000-8000-000000000001", "x".repeat(200)]);
    case ScalarType.BOOL: return rand() < 0.5;
    case ScalarType.DOUBLE: return pick([0, -1.5, 3.25e10, Math.PI]);
    case ScalarType.FLOAT: return Math.fround(pick([0, 1.5, -2.25]));
    case ScalarType.BYTES: return new Uint8Array([1, 2, 3].slice(0, Math.floor(rand() * 4)));
    case ScalarType.INT64: case ScalarType.SINT64: case ScalarType.SFIXED64:
      return pick([0n, -5n, 9007199254740993n]);
    case ScalarType.UINT64: case ScalarType.FIXED64: return pick([0n, 7n, 18446744073709551615n]);
    case ScalarType.UINT32: case ScalarType.FIXED32: return pick([0, 1, 4294967295]);
    default: return pick([0, 1, -1, 2147483647, -2147483648]);
  }
}

/** A random init of `desc`: each field set or not, nested messages to depth 3. */
function randomInit(desc: DescMessage, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of desc.fields) {
    if (rand() < 0.3) continue;
    if (f.oneof) {
      if (f.fieldKind === "message" && depth < 3 && out[f.oneof.localName] === undefined) {
        out[f.oneof.localName] = { case: f.localName, value: randomInit(f.message, depth + 1) };
      }
      continue;
    }
    const enumValue = (e: { values: readonly { number: number }[] }): number => rand() < 0.1 ? 99 : pick(e.values).number;
    switch (f.fieldKind) {
      case "scalar": out[f.localName] = scalar(f.scalar); break;
      case "enum": out[f.localName] = enumValue(f.enum); break; // 99: a closed enum's unknown value
      case "message": if (depth < 3) out[f.localName] = randomInit(f.message, depth + 1); break;
      case "list": {
        const n = Math.floor(rand() * 4);
        const item = (): unknown => f.listKind === "message" ? randomInit(f.message, depth + 1)
          : f.listKind === "enum" ? pick(f.enum.values).number : scalar(f.scalar);
        if (f.listKind !== "message" || depth < 3) out[f.localName] = Array.from({ length: n }, item);
        break;
      }
      case "map": {
        const m: Record<string, unknown> = {};
        for (let i = Math.floor(rand() * 3); i > 0; i--) {
          m[`k${i}`] = f.mapKind === "enum" ? pick(f.enum.values).number : f.mapKind === "scalar" ? scalar(f.scalar) : {};
        }
        out[f.localName] = m;
        break;
      }
    }
  }
  return out;
}

const arms: { case: string; schema: DescMessage }[] = EnvelopeSchema.fields
  .filter((f: any) => f.fieldKind === "message" && f.oneof?.localName === "payload")
  .map((f: any) => ({ case: f.localName, schema: f.message }));

test("every arm the record reader covers reads the same record as toRecord(fromBinary(...))", () => {
  let covered = 0;
  for (const arm of arms) {
    const decode = records.recordDecoder(arm.schema.typeName);
    if (!decode) continue;
    covered++;
    for (let i = 0; i < 40; i++) {
      const bytes = toBinary(arm.schema, create(arm.schema, i === 0 ? {} : randomInit(arm.schema) as any));
      const want = records.toRecord(fromBinary(arm.schema, bytes));
      const got = decode(bytes);
      assert.deepStrictEqual(got, want, `${arm.schema.typeName} #${i}`);
      assert.deepStrictEqual(Object.keys(got), Object.keys(want), `${arm.schema.typeName} #${i}: field order`);
      assert.equal(got.$typeName, want.$typeName);
      assert.equal(Object.keys(got).includes("$typeName"), false, "$typeName is not enumerable");
    }
  }
  // the unary hot path is really taken for the common responses
  for (const t of ["MachineInfoResponse", "MachineList", "MachineSummary", "FleetList"]) {
    assert.ok(records.recordDecoder(`cmdop.core.v1.${t}`), `${t} is covered`);
  }
  assert.ok(covered > arms.length / 2, `only ${covered} of ${arms.length} arms covered`);
});

test("a record reader rejects bytes cut short", () => {
  const schema = arms.find((a) => a.case === "machineInfoResp")!.schema;
  const bytes = toBinary(schema, create(schema, randomInit(schema) as any));
  assert.throws(() => records.recordDecoder(schema.typeName)(bytes.subarray(0, bytes.length - 3)));
});

test("envelopeFrom and encodeEnvelope match protobuf-es on every arm", () => {
  for (const arm of arms) {
    for (let i = 0; i < 5; i++) {
      const id = Math.floor(rand() * 1000), kind = pick([1, 2, 3, 4, 5]);
      const payload = { case: arm.case, value: randomInit(arm.schema) };
      const want = sizeDelimitedEncode(EnvelopeSchema, create(EnvelopeSchema, { id, kind, payload } as any));
      assert.deepStrictEqual(Buffer.from(wire.encodeEnvelope(id, kind, payload)), Buffer.from(want), arm.case);
      const bytes = toBinary(EnvelopeSchema, create(EnvelopeSchema, { id, kind, payload } as any));
      const head = wire.envelopeHead(bytes);
      assert.ok(head, arm.case);
      assert.deepStrictEqual(wire.envelopeFrom(head, bytes), fromBinary(EnvelopeSchema, bytes), arm.case);
    }
  }
  // no payload (a CANCEL), and a frame with an unknown field: the whole-frame path
  assert.deepStrictEqual(Buffer.from(wire.encodeEnvelope(7, 5)),
    Buffer.from(sizeDelimitedEncode(EnvelopeSchema, create(EnvelopeSchema, { id: 7, kind: 5 } as any))));
  assert.equal(wire.envelopeHead(new Uint8Array([0x08, 0x01, 0xf8, 0x3e, 0x01])), undefined);
});

/** Does `v` or a message inside it hold unknown fields (fromBinary's $unknown)? */
function keptAside(v: unknown): boolean {
  if (v === null || typeof v !== "object" || v instanceof Uint8Array) return false;
  if (Array.isArray(v)) return v.some(keptAside);
  const o = v as Record<string, unknown>;
  return (Array.isArray(o.$unknown) && o.$unknown.length > 0) || Object.values(o).some(keptAside);
}

test("messageFrom reads every arm as fromBinary does, and gives up on what fromBinary keeps aside", () => {
  let read = 0, total = 0;
  for (const arm of arms) {
    for (let i = 0; i < 30; i++) {
      const bytes = toBinary(arm.schema, create(arm.schema, randomInit(arm.schema) as any));
      const want = fromBinary(arm.schema, bytes);
      const got = wire.messageFrom(arm.schema, bytes);
      total++;
      if (got === undefined) {
        assert.ok(keptAside(want), `${arm.case} #${i}: gave up on a message with nothing kept aside`);
        continue;
      }
      read++;
      assert.deepStrictEqual(got, want, `${arm.case} #${i}`);
      assert.equal(Object.getPrototypeOf(got), Object.getPrototypeOf(want));
    }
  }
  assert.ok(read > total * 0.8, `read ${read} of ${total}`);
  // an unknown field: kept aside by fromBinary, so messageFrom gives up
  const schema = arms.find((a) => a.case === "askFrame")!.schema;
  assert.equal(wire.messageFrom(schema, new Uint8Array([0xf8, 0x3e, 0x01])), undefined);
  // bytes cut short: gives up (fromBinary words the error)
  const ok = toBinary(schema, create(schema, { type: { case: "event", value: { payloadJson: "{}" } } } as any));
  assert.equal(wire.messageFrom(schema, ok.subarray(0, ok.length - 1)), undefined);
  assert.ok(wire.messageFrom(schema, ok));
});

test("frames read in place inside one chunk (offsets, one reused head) are what fromBinary reads of each", () => {
  // several size-delimited Envelopes back to back in a Node Buffer, as the core's stdout brings them
  const parts: Uint8Array[] = [], spans: [number, number][] = [];
  let at = 0;
  for (const arm of arms) {
    const env = create(EnvelopeSchema, { id: Math.floor(rand() * 100000), kind: pick([2, 3, 4, 5]), payload: { case: arm.case, value: randomInit(arm.schema) } } as any);
    const framed = sizeDelimitedEncode(EnvelopeSchema, env);
    const body = toBinary(EnvelopeSchema, env);
    spans.push([at + framed.length - body.length, at + framed.length]);
    parts.push(framed);
    at += framed.length;
  }
  const chunk = Buffer.concat(parts);
  const head = { id: 0, kind: 0, hasId: false, hasKind: false, field: 0, start: 0, end: 0 };
  for (const [start, end] of spans) {
    const want: any = fromBinary(EnvelopeSchema, chunk.subarray(start, end));
    const h = wire.envelopeHead(chunk, start, end, head);
    assert.equal(h, head, "the head given is filled");
    assert.deepStrictEqual(wire.envelopeFrom(h, chunk), want);
    const arm = arms.find((a) => a.case === want.payload.case)!;
    const inner = fromBinary(arm.schema, chunk.subarray(h.start, h.end));
    const got = wire.messageFrom(arm.schema, chunk, h.start, h.end);
    if (got !== undefined) assert.deepStrictEqual(got, inner);
  }
});

test("the reader's varints, tags, strings and bools are protobuf-es's, in a Buffer and in a plain Uint8Array", async () => {
  const { Reader } = await dist("reader.js");
  const { BinaryReader, BinaryWriter } = await import("@bufbuild/protobuf/wire");
  const w = new BinaryWriter();
  const values = [0, 1, 127, 128, 300, 2147483647, -1, -2147483648, 4294967295];
  for (const v of values) w.uint32(v >>> 0).int32(v | 0).sint32(v | 0);
  const strings = ["", "ascii only", "héllo ✓", "\u{1F600} emoji", "x".repeat(300)];
  for (const s of strings) w.string(s);
  w.bool(true).bool(false).uint64(1n << 40n).int64(-3n); // the last two read as bools: long varints
  const bytes = w.finish();
  for (const buf of [bytes, Buffer.from(bytes)]) {
    const r = new Reader(buf, 0, buf.length), b = new BinaryReader(buf);
    for (let i = 0; i < values.length; i++) {
      assert.equal(r.uint32(), b.uint32());
      assert.equal(r.int32(), b.int32());
      assert.equal(r.sint32(), b.sint32());
    }
    for (const s of strings) {
      assert.equal(r.string(true), s);
      assert.equal(b.string(), s);
    }
    for (let i = 0; i < 4; i++) assert.equal(r.bool(), b.bool());
    assert.equal(r.pos, b.pos);
  }
  // invalid UTF-8: strict throws (as protobuf-es with utf8 validation), lax gives U+FFFD
  const bad = Buffer.from([3, 0x61, 0xff, 0x62]);
  assert.throws(() => new Reader(bad, 0, bad.length).string(true));
  assert.equal(new Reader(bad, 0, bad.length).string(false), new BinaryReader(bad).string(false));
  // a read past the frame's end (the next frame's bytes follow in the chunk) fails
  const two = Buffer.from([5, 0x61, 0x62, 0x63]);
  assert.throws(() => new Reader(two, 0, 3).string(true), RangeError);
  // tags: the field number and wire type in one number; an illegal one throws
  const t = new Reader(Buffer.from([0xd2, 0x0c]), 0, 2).tag();
  assert.deepStrictEqual([t >>> 3, t & 7], new BinaryReader(Buffer.from([0xd2, 0x0c])).tag());
  assert.throws(() => new Reader(Buffer.from([0x07]), 0, 1).tag(), /illegal tag/);
});

/** An Envelope's bytes (no length prefix) and the head envelopeHead reads of them. */
function body(init: Record<string, unknown>): { bytes: Uint8Array; head: any } {
  const bytes = toBinary(EnvelopeSchema, create(EnvelopeSchema, init as any));
  return { bytes, head: wire.envelopeHead(bytes) };
}

test("a stream's frame from envelopeParts is the frame of the decoded Envelope, for every union member and arm", () => {
  const unions = [
    { arm: "askFrame", of: frames.askFrameOf, from: frames.askFrameFrom },
    { arm: "botEvent", of: frames.botEventOf, from: frames.botEventFrom },
  ];
  for (const u of unions) {
    const schema = arms.find((a) => a.case === u.arm)!.schema;
    const members: { case: string; schema: DescMessage }[] = schema.fields.map((f: any) => ({ case: f.localName, schema: f.message }));
    const read = new Set<string>();
    const payloads: unknown[] = [undefined, { case: u.arm, value: {} }];
    for (const m of members) for (let i = 0; i < 20; i++) payloads.push({ case: u.arm, value: { type: { case: m.case, value: randomInit(m.schema) } } });
    for (const a of arms) for (let i = 0; i < 3; i++) payloads.push({ case: a.case, value: randomInit(a.schema) });
    for (const payload of payloads) {
      const kind = pick([2, 3, 4, 8]);
      const { bytes, head } = body(payload === undefined ? { id: 5, kind } : { id: 5, kind, payload });
      const want = u.from(fromBinary(EnvelopeSchema, bytes));
      const p = wire.envelopeParts(head, bytes);
      if (p === undefined) continue;
      assert.deepStrictEqual(u.of(kind, p.arm, p.member, p.value), want, JSON.stringify(payload, (_, v) => typeof v === "bigint" ? `${v}n` : v));
      read.add(p.member ?? p.arm ?? "none");
    }
    // every member whose fields are all singular scalars is read from the bytes
    for (const m of members) {
      const plain = m.schema.fields.every((f: any) => f.fieldKind === "scalar" || f.fieldKind === "enum");
      assert.equal(read.has(m.case), plain, `${u.arm}: ${m.case}`);
    }
    assert.ok(read.has(u.arm) && read.has("none"));
  }
});

test("envelopeParts: fields by value as fromBinary has them, unknown fields skipped, one value object reused", () => {
  const ev = { payloadJson: "{\"delta\":\"é\"}", eventType: -7 };
  const { bytes, head } = body({ id: 300, kind: 3, payload: { case: "askFrame", value: { type: { case: "event", value: ev } } } });
  const p = wire.envelopeParts(head, bytes);
  assert.deepStrictEqual([p.arm, p.member, { ...p.value }], ["askFrame", "event", ev]);
  const frame = frames.askFrameOf(3, p.arm, p.member, p.value);
  // an unset field is its default; an unknown field (number 9) is skipped
  const inner = Buffer.concat([Buffer.from(toBinary(arms.find((a) => a.case === "done")!.schema, create(arms.find((a) => a.case === "done")!.schema, { text: "t" } as any))), Buffer.from([0x48, 0x01])]);
  const done = Buffer.concat([Buffer.from([0x08, 0x07, 0x10, 0x04, 0xd2, 0x02, inner.length]), inner]);
  const q = wire.envelopeParts(wire.envelopeHead(done), done);
  assert.equal(q.arm, "done");
  assert.deepStrictEqual({ ...q.value }, { success: false, text: "t", error: "", durationMs: 0 });
  // the event's value object is refilled by the next event, the frame made from it is not
  const again = body({ id: 1, kind: 3, payload: { case: "askFrame", value: { type: { case: "event", value: { payloadJson: "[]" } } } } });
  const r = wire.envelopeParts(again.head, again.bytes);
  assert.equal(r.value, p.value);
  assert.deepStrictEqual({ ...r.value }, { eventType: 0, payloadJson: "[]" });
  assert.deepStrictEqual(frame, { type: "event", eventType: -7, payload: { delta: "é" } });
  // what it gives up on: two members set, a member cut short, an unknown arm, a kind out of the enum
  const two = Buffer.from([0x08, 0x01, 0x10, 0x03, 0xca, 0x02, 0x04, 0x0a, 0x00, 0x22, 0x00]);
  assert.equal(wire.envelopeParts(wire.envelopeHead(two), two), undefined);
  const cut = Buffer.from([0x08, 0x01, 0x10, 0x03, 0xca, 0x02, 0x04, 0x0a, 0x05, 0x08, 0x01]);
  assert.equal(wire.envelopeParts(wire.envelopeHead(cut), cut), undefined);
  const unknownArm = Buffer.from([0x08, 0x01, 0x10, 0x03, 0xfa, 0x3e, 0x00]);
  const h = wire.envelopeHead(unknownArm);
  assert.ok(h && h.field === 1007);
  assert.equal(wire.envelopeParts(h, unknownArm), undefined);
  const badKind = Buffer.from([0x08, 0x01, 0x10, 0x63]);
  assert.equal(wire.envelopeParts(wire.envelopeHead(badKind), badKind), undefined);
});

test("writeFlat writes sizeDelimitedEncode's bytes for the arms of scalars, string maps and lists, and leaves the rest to protobuf-es", () => {
  let flat = 0;
  for (const arm of arms) {
    const no = EnvelopeSchema.fields.find((f: any) => f.localName === arm.case).number;
    for (let i = 0; i < 10; i++) {
      const id = pick([0, 1, 127, 128, 70000, 4294967295]), kind = pick([1, 5, 6, 7]);
      const value = randomInit(arm.schema);
      const got = wire.writeFlat(id, kind, no, arm.schema, value);
      if (got === undefined) continue;
      flat++;
      const want = sizeDelimitedEncode(EnvelopeSchema, create(EnvelopeSchema, { id, kind, payload: { case: arm.case, value } } as any));
      assert.deepStrictEqual(Buffer.from(got), Buffer.from(want), arm.case);
    }
  }
  assert.ok(flat > 100, `only ${flat} written flat`);
  // edge values of an ask request: UTF-8 (a lone surrogate too), int32 ends, an empty and a full map
  const ask = (value: Record<string, unknown>): void => {
    const payload = { case: "askReq", value };
    const want = sizeDelimitedEncode(EnvelopeSchema, create(EnvelopeSchema, { id: 9, kind: 1, payload } as any));
    const no = EnvelopeSchema.fields.find((f: any) => f.localName === "askReq").number;
    const schema = arms.find((a) => a.case === "askReq")!.schema;
    assert.deepStrictEqual(Buffer.from(wire.writeFlat(9, 1, no, schema, value)), Buffer.from(want));
    assert.deepStrictEqual(Buffer.from(wire.encodeEnvelope(9, 1, payload)), Buffer.from(want));
  };
  ask({ machineId: "m", prompt: "héllo ✓ \u{1F600} \ud800 x", timeoutSeconds: -1, options: {}, optionsPresent: false });
  ask({ prompt: "", timeoutSeconds: -2147483648, options: { k: "v", "ü": "✓", "": "" }, pin: "1234" });
  ask({ timeoutSeconds: 2147483647, sessionId: "s".repeat(300) });
  // a value protobuf-es refuses: writeFlat leaves it, encodeEnvelope throws protobuf-es's error
  const askNo = EnvelopeSchema.fields.find((f: any) => f.localName === "askReq").number;
  const askSchema = arms.find((a) => a.case === "askReq")!.schema;
  for (const value of [{ timeoutSeconds: 2 ** 31 }, { timeoutSeconds: 1.5 }]) {
    assert.equal(wire.writeFlat(1, 1, askNo, askSchema, value), undefined);
    const e = ((): unknown => { try { sizeDelimitedEncode(EnvelopeSchema, create(EnvelopeSchema, { id: 1, kind: 1, payload: { case: "askReq", value } } as any)); } catch (x) { return x; } })();
    assert.throws(() => wire.encodeEnvelope(1, 1, { case: "askReq", value }), { message: (e as Error).message });
  }
});
