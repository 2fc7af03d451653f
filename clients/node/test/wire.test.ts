// The hot paths' reader and writer (src/wire.ts) against protobuf-es: on
// random messages of every Envelope arm, a record read straight from the
// bytes is toRecord(fromBinary(...)) (same fields, order, defaults, type
// name), messageFrom and envelopeFrom are fromBinary, and encodeEnvelope
// writes sizeDelimitedEncode's bytes. No core is run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { create, fromBinary, toBinary, ScalarType, type DescMessage } from "@bufbuild/protobuf";
import { sizeDelimitedEncode } from "@bufbuild/protobuf/wire";

// The package's internals, from its build (dist/esm beside .build/test).
const dist = (p: string): Promise<any> => import(new URL(`../../dist/esm/${p}`, import.meta.url).href);
const wire = await dist("wire.js");
const records = await dist("gen/records.js");
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
