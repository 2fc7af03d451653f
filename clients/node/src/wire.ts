// The hot paths of the stdio frames, beside protobuf-es (whose reflection
// layer indexes every field of each message it reads or writes; the Envelope
// has one field per arm). Three parts, each the same result as protobuf-es
// (test/wire.test.ts compares them on every Envelope arm):
// - a unary response's record straight from its bytes, as
//   toRecord(fromBinary(...)) (gen/records.ts): fields in descriptor order,
//   an unset optional field absent, an unset other field its default, a
//   nested record always there; a type it does not cover (oneofs, groups,
//   maps of messages or with non-string keys) answers undefined and the
//   caller takes the protobuf-es path;
// - the Envelope's header read by hand and its arm as a protobuf-es message
//   (envelopeHead, envelopeFrom, messageFrom), or only the parts a stream's
//   frame is made of (envelopeParts);
// - the Envelope written with its header by hand (encodeEnvelope).
import { create, fromBinary, toBinary, ScalarType, type DescField, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { BinaryWriter, WireType, sizeDelimitedEncode } from "@bufbuild/protobuf/wire";
import { EnvelopeSchema, type Envelope } from "./gen/proto/cmdop/core/v1/envelope_pb.js";
import { messageFrom, messageWithoutOneofs, scalarsFrom } from "./message.js";
import { Reader, readScalar, scalarZero } from "./reader.js";

export { messageFrom };

/** Is `f` of `desc` optional in the IDL (absent from the record when unset)? */
export type IsOptional = (desc: DescMessage, f: DescField) => boolean;

/** The bytes of one message to its record; throws on bytes that are not that message. */
export type RecordDecoder = (bytes: Uint8Array) => unknown;

/** One field's reading rule. */
interface Slot {
  readonly f: DescField;
  readonly name: string;
  readonly optional: boolean;
  /** The record's value when the field is unset and not optional (scalars and enums). */
  readonly zero: unknown;
  /** A nested (or listed) message's plan. */
  sub: Plan | undefined;
}

interface Plan {
  readonly desc: DescMessage;
  readonly slots: Slot[];
  readonly byNumber: Map<number, number>;
}

/** The values read so far, by slot index; undefined = unset. */
type State = unknown[];

/** Compiles and caches a plan per message type; undefined for a type it does not cover. */
class Compiler {
  private readonly plans = new Map<DescMessage, Plan | null>();

  constructor(private readonly isOptional: IsOptional) {}

  plan(desc: DescMessage): Plan | undefined {
    const known = this.plans.get(desc);
    if (known !== undefined) return known ?? undefined;
    const zeroMsg = create(desc) as unknown as Record<string, unknown>;
    const slots: Slot[] = [];
    const byNumber = new Map<number, number>();
    const plan: Plan = { desc, slots, byNumber };
    this.plans.set(desc, plan); // before the fields: a type that nests itself finds its plan
    for (const f of desc.fields) {
      const covered = f.oneof === undefined && !("delimitedEncoding" in f && f.delimitedEncoding)
        && (f.fieldKind !== "map" || (f.mapKey === ScalarType.STRING && f.mapKind !== "message"));
      if (!covered) {
        this.plans.set(desc, null);
        return undefined;
      }
      byNumber.set(f.number, slots.length);
      slots.push({ f, name: f.localName, optional: this.isOptional(desc, f), zero: zeroMsg[f.localName], sub: undefined });
    }
    for (const s of slots) {
      const m = s.f.fieldKind === "message" || (s.f.fieldKind === "list" && s.f.listKind === "message") ? s.f.message : undefined;
      if (m === undefined) continue;
      s.sub = this.plan(m);
      if (s.sub === undefined) {
        this.plans.set(desc, null);
        return undefined;
      }
    }
    return plan;
  }
}

/** Reads fields up to `end` into `st` (a repeated message field merges, as protobuf does). */
function readInto(p: Plan, st: State, r: Reader, end: number): void {
  while (r.pos < end) {
    const tag = r.tag();
    const no = tag >>> 3, wt = tag & 7;
    const i = p.byNumber.get(no);
    if (i === undefined) {
      r.skip(wt, no);
      continue;
    }
    const s = p.slots[i]!;
    const f = s.f;
    switch (f.fieldKind) {
      case "scalar":
        st[i] = readScalar(r, f, f.scalar);
        break;
      case "enum": {
        const v = r.int32();
        // a closed enum's unknown value leaves the field unset (protobuf-es keeps it as an unknown field)
        if (f.enum.open || f.enum.value[v] !== undefined) st[i] = v;
        break;
      }
      case "message": {
        const len = r.uint32();
        const sub = (st[i] as State | undefined) ?? [];
        readInto(s.sub!, sub, r, r.pos + len);
        st[i] = sub;
        break;
      }
      case "list": {
        const list = (st[i] as unknown[] | undefined) ?? [];
        st[i] = list;
        if (f.listKind === "message") {
          const len = r.uint32();
          const sub: State = [];
          readInto(s.sub!, sub, r, r.pos + len);
          list.push(sub);
          break;
        }
        const t = f.listKind === "scalar" ? f.scalar : ScalarType.INT32;
        if (wt === WireType.LengthDelimited && t !== ScalarType.STRING && t !== ScalarType.BYTES) {
          const e = r.uint32() + r.pos;
          while (r.pos < e) list.push(readScalar(r, f, t));
        } else {
          list.push(readScalar(r, f, t));
        }
        break;
      }
      case "map": {
        const map = (st[i] as Record<string, unknown> | undefined) ?? {};
        st[i] = map;
        const e = r.uint32() + r.pos;
        let key: string | undefined, val: unknown;
        while (r.pos < e) {
          const kt = r.tag();
          const k = kt >>> 3, kwt = kt & 7;
          if (k === 1) key = r.string(f.utf8Validation);
          else if (k === 2) val = f.mapKind === "enum" ? r.int32() : readScalar(r, f, f.scalar!);
          else r.skip(kwt, k);
        }
        val ??= f.mapKind === "enum" ? f.enum.values[0]!.number : scalarZero(f.scalar!);
        map[key ?? ""] = val;
        break;
      }
    }
  }
  if (r.pos > end) throw new RangeError("premature EOF");
}

/** The record of a read state: the same fields, order and defaults as toRecord (gen/records.ts). */
function build(p: Plan, st: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  Object.defineProperty(out, "$typeName", { value: p.desc.typeName, enumerable: false });
  const slots = p.slots;
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    let v = st[i];
    const kind = s.f.fieldKind;
    // a list or map with no entries counts as unset, as protobuf-es's isFieldSet has it
    if (v !== undefined && kind === "list" && (v as unknown[]).length === 0) v = undefined;
    if (v !== undefined && kind === "map" && Object.keys(v as object).length === 0) v = undefined;
    if (v === undefined) {
      if (s.optional) continue;
      if (kind === "message") v = build(s.sub!, []);
      else if (kind === "list") v = [];
      else if (kind === "map") v = {};
      else if (s.zero instanceof Uint8Array) v = new Uint8Array(0);
      else v = s.zero;
    } else if (kind === "message") {
      v = build(s.sub!, v as State);
    } else if (kind === "list" && s.sub !== undefined) {
      v = (v as State[]).map((e) => build(s.sub!, e));
    }
    out[s.name] = v;
  }
  return out;
}

/**
 * The record decoder of each message type of `registry` (compiled on first
 * use); undefined for a type this reader does not cover.
 */
export function recordDecoders(registry: Registry, isOptional: IsOptional): (typeName: string) => RecordDecoder | undefined {
  const compiler = new Compiler(isOptional);
  const decoders = new Map<string, RecordDecoder | null>();
  return (typeName) => {
    let d = decoders.get(typeName);
    if (d === undefined) {
      const desc = registry.getMessage(typeName);
      const p = desc && compiler.plan(desc);
      d = p ? (bytes: Uint8Array) => {
        const st: State = [];
        readInto(p, st, new Reader(bytes, 0, bytes.length), bytes.length);
        return build(p, st);
      } : null;
      decoders.set(typeName, d);
    }
    return d ?? undefined;
  };
}

/** An envelope's header and where its payload is; undefined when the frame is not that simple. */
export interface EnvelopeHead {
  id: number;
  kind: number;
  hasId: boolean;
  hasKind: boolean;
  /** The field number of the payload arm (0: none). */
  field: number;
  start: number;
  end: number;
}

// envelopeHead's reader (it calls nothing that reads).
const headReader = new Reader(new Uint8Array(0), 0, 0);

/**
 * Reads the id (1), kind (2) and one length-delimited payload arm of the
 * Envelope in bytes[start, end) without decoding the payload (start and end
 * in the head are offsets in `bytes`); undefined for anything else (an
 * unknown field, a second arm) so the caller decodes the whole frame
 * instead. `into`: a head to fill instead of a new one (the reader's, reused
 * frame after frame).
 */
export function envelopeHead(bytes: Uint8Array, start = 0, end = bytes.length, into?: EnvelopeHead): EnvelopeHead | undefined {
  const r = headReader.reset(bytes, start, end);
  const h: EnvelopeHead = into ?? { id: 0, kind: 0, hasId: false, hasKind: false, field: 0, start: 0, end: 0 };
  h.id = h.kind = h.field = h.start = h.end = 0;
  h.hasId = h.hasKind = false;
  while (r.pos < end) {
    const tag = r.tag();
    const no = tag >>> 3, wt = tag & 7;
    if (no === 1 && wt === WireType.Varint) {
      h.id = r.uint32();
      h.hasId = true;
    } else if (no === 2 && wt === WireType.Varint) {
      h.kind = r.int32();
      h.hasKind = true;
    }
    else if (no >= 3 && wt === WireType.LengthDelimited && h.field === 0) {
      h.field = no;
      const len = r.uint32();
      h.start = r.pos;
      h.end = r.pos + len;
      if (h.end > end) return undefined;
      r.pos = h.end;
    } else return undefined;
  }
  return h;
}

/** An Envelope payload arm: its oneof case and message type. */
export interface Arm {
  readonly case: string;
  readonly schema: DescMessage;
}

const ARMS_BY_NUMBER = new Map<number, Arm | null>();
const ARMS_BY_CASE = new Map<string, { no: number; schema: DescMessage }>();
for (const f of EnvelopeSchema.fields) {
  const arm = f.fieldKind === "message" && f.oneof?.localName === "payload" ? { case: f.localName, schema: f.message } : null;
  ARMS_BY_NUMBER.set(f.number, arm);
  if (arm) ARMS_BY_CASE.set(arm.case, { no: f.number, schema: arm.schema });
}

/** The payload arm of an Envelope field number; undefined if that number is no arm. */
export function armOf(no: number): Arm | undefined {
  return ARMS_BY_NUMBER.get(no) ?? undefined;
}

/**
 * The Envelope of a frame whose head envelopeHead() read: the same message as
 * fromBinary(EnvelopeSchema, bytes), with only the payload arm decoded by
 * protobuf-es (its reader indexes every field of the message it reads, and
 * the Envelope has one per arm); undefined when the head is not that simple.
 */
export function envelopeFrom(h: EnvelopeHead, bytes: Uint8Array): Envelope | undefined {
  const known = KIND_VALUES.has(h.kind); // a closed enum's unknown value is no kind (protobuf-es keeps it aside)
  if (h.hasKind && !known) return undefined;
  const arm = h.field === 0 ? undefined : armOf(h.field);
  if (h.field !== 0 && arm === undefined) return undefined;
  // set as fromBinary sets them (own properties: present); create()'s init path costs more
  const env = messageWithoutOneofs(EnvelopeSchema);
  if (arm) {
    const value = messageFrom(arm.schema, bytes, h.start, h.end) ?? fromBinary(arm.schema, bytes.subarray(h.start, h.end));
    env.payload = { case: arm.case, value };
  } else env.payload = { case: undefined };
  if (h.hasId) env.id = h.id;
  if (h.hasKind) env.kind = h.kind;
  return env as unknown as Envelope;
}

/**
 * An Envelope's parts as a stream's frame step reads them (the generated
 * `askFrameOf`, ...): the payload arm's case, the member's case when the arm
 * is a union (a message that is one oneof of messages, e.g. askFrame), and
 * that member's (else the arm's) fields as a plain object (scalarsFrom).
 */
export interface EnvelopeParts {
  arm: string | undefined;
  member: string | undefined;
  value: unknown;
}

/** A union arm's members by field number. */
type Members = Map<number, { readonly case: string; readonly schema: DescMessage }>;

const MEMBERS = new Map<DescMessage, Members | null>();

/** The members of `desc` if it is one oneof of messages and nothing else; else undefined. */
function membersOf(desc: DescMessage): Members | undefined {
  let m = MEMBERS.get(desc);
  if (m === undefined) {
    const o = desc.oneofs.length === 1 ? desc.oneofs[0] : undefined;
    m = o !== undefined && desc.fields.every((f) => f.oneof === o && f.fieldKind === "message")
      ? new Map(o.fields.map((f) => [f.number, { case: f.localName, schema: f.message! }])) : null;
    MEMBERS.set(desc, m);
  }
  return m ?? undefined;
}

// envelopeParts' answer (one object, filled per call) and reader.
const parts: EnvelopeParts = { arm: undefined, member: undefined, value: undefined };
const partsReader = new Reader(new Uint8Array(0), 0, 0);

/**
 * The parts of the Envelope whose head envelopeHead() read, from its bytes,
 * with no message made; the same values the Envelope envelopeFrom() makes
 * holds there. undefined for any other shape (an arm with a field of
 * another kind, a union arm with two members set, an unknown arm or kind,
 * bytes that are not the arm): then decode the Envelope. The answer, and
 * the plain object in its value, are refilled by the next call (one of each
 * per message type: nothing allocated per frame).
 */
export function envelopeParts(h: EnvelopeHead, bytes: Uint8Array): EnvelopeParts | undefined {
  if (h.hasKind && !KIND_VALUES.has(h.kind)) return undefined;
  parts.arm = parts.member = parts.value = undefined;
  if (h.field === 0) return parts;
  const arm = armOf(h.field);
  if (arm === undefined) return undefined;
  parts.arm = arm.case;
  const members = membersOf(arm.schema);
  if (members === undefined) {
    parts.value = scalarsFrom(arm.schema, bytes, h.start, h.end, true);
    return parts.value === undefined ? undefined : parts;
  }
  const r = partsReader.reset(bytes, h.start, h.end);
  let member: { readonly case: string; readonly schema: DescMessage } | undefined;
  let start = 0, end = 0;
  try {
    while (r.pos < h.end) {
      const tag = r.tag();
      const m = members.get(tag >>> 3);
      // a second member (or the same one twice: protobuf merges them) takes fromBinary
      if (m === undefined || member !== undefined || (tag & 7) !== WireType.LengthDelimited) return undefined;
      member = m;
      const len = r.uint32();
      start = r.pos;
      end = r.pos += len;
    }
  } catch {
    return undefined;
  }
  if (r.pos !== h.end) return undefined;
  if (member === undefined) return parts;
  parts.member = member.case;
  parts.value = scalarsFrom(member.schema, bytes, start, end, true);
  return parts.value === undefined ? undefined : parts;
}

const KIND_VALUES = new Set(EnvelopeSchema.fields.find((f) => f.number === 2)!.enum!.values.map((v) => v.number));

// How writeFlat writes a field.
const W_STRING = 0, W_BOOL = 1, W_INT32 = 2, W_UINT32 = 3, W_SINT32 = 4, W_DOUBLE = 5, W_STRING_MAP = 6, W_STRING_LIST = 7;

interface FlatField {
  readonly no: number;
  readonly name: string;
  readonly how: number;
}

/** By type, its fields in number order (toBinary's order); null: a type with another kind of field. */
const FLAT = new Map<DescMessage, FlatField[] | null>();

function flatOf(desc: DescMessage): FlatField[] | null {
  let fields = FLAT.get(desc);
  if (fields === undefined) {
    fields = [];
    for (const f of [...desc.fields].sort((a, b) => a.number - b.number)) {
      let how = -1;
      if (f.oneof !== undefined || f.presence === 3 /* LEGACY_REQUIRED */) how = -1;
      else if (f.fieldKind === "enum") how = W_INT32;
      else if (f.fieldKind === "scalar") {
        how = f.scalar === ScalarType.STRING ? W_STRING : f.scalar === ScalarType.BOOL ? W_BOOL
          : f.scalar === ScalarType.INT32 ? W_INT32 : f.scalar === ScalarType.UINT32 ? W_UINT32
          : f.scalar === ScalarType.SINT32 ? W_SINT32 : f.scalar === ScalarType.DOUBLE ? W_DOUBLE : -1;
      } else if (f.fieldKind === "map" && f.mapKey === ScalarType.STRING && f.mapKind === "scalar" && f.scalar === ScalarType.STRING) how = W_STRING_MAP;
      else if (f.fieldKind === "list" && f.listKind === "scalar" && f.scalar === ScalarType.STRING) how = W_STRING_LIST;
      if (how < 0) {
        fields = null;
        break;
      }
      fields.push({ no: f.number, name: f.localName, how });
    }
    FLAT.set(desc, fields);
  }
  return fields;
}

/** The bytes of a varint of `v` (an unsigned 32-bit value). */
function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

function writeVarint(buf: Buffer, pos: number, v: number): number {
  while (v > 0x7f) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

// writeFlat's string lengths in UTF-8, measured in its first pass (one array, reused).
const strLens: number[] = [];

/**
 * The size-delimited Envelope {id, kind, arm no: init} written by hand in
 * one exact-size Buffer, for an arm whose fields are singular strings,
 * bools, 32-bit integers, enums and doubles, string maps and string lists:
 * the bytes of sizeDelimitedEncode(EnvelopeSchema, create(...)) (create()
 * and toBinary's reflection walk, and BinaryWriter's chunks, cost more than
 * the bytes). undefined for another type, a message given as init, and any
 * value it does not expect (then protobuf-es writes it, and words the error).
 */
export function writeFlat(id: number, kind: number, no: number, desc: DescMessage, init: unknown): Uint8Array | undefined {
  const fields = flatOf(desc);
  if (fields === null || typeof init !== "object" || init === null || "$typeName" in init) return undefined;
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff || !Number.isInteger(kind) || kind < 0 || kind > 0x7fffffff) return undefined;
  const value = init as Record<string, unknown>;
  // first pass: check each value and add up the arm's size
  let size = 0, ns = 0;
  const str = (x: string): number => {
    const n = Buffer.byteLength(x, "utf8");
    strLens[ns++] = n;
    return varintSize(n) + n;
  };
  for (const f of fields) {
    const v = value[f.name];
    if (v === undefined || v === null) continue; // create() leaves it unset
    const tag = varintSize(f.no << 3);
    switch (f.how) {
      case W_STRING:
        if (typeof v !== "string") return undefined;
        size += tag + str(v);
        break;
      case W_BOOL:
        if (typeof v !== "boolean") return undefined;
        size += tag + 1;
        break;
      case W_DOUBLE:
        if (typeof v !== "number") return undefined;
        size += tag + 8;
        break;
      case W_INT32:
        if (!Number.isInteger(v) || (v as number) < -0x80000000 || (v as number) > 0x7fffffff) return undefined;
        size += tag + ((v as number) < 0 ? 10 : varintSize(v as number));
        break;
      case W_UINT32:
        if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 0xffffffff) return undefined;
        size += tag + varintSize(v as number);
        break;
      case W_SINT32:
        if (!Number.isInteger(v) || (v as number) < -0x80000000 || (v as number) > 0x7fffffff) return undefined;
        size += tag + varintSize((((v as number) << 1) ^ ((v as number) >> 31)) >>> 0);
        break;
      case W_STRING_MAP:
        if (typeof v !== "object" || Array.isArray(v)) return undefined;
        for (const k in v) {
          const x = (v as Record<string, unknown>)[k];
          if (typeof x !== "string" || !Object.hasOwn(v, k)) return undefined;
          const entry = 1 + str(k) + 1 + str(x);
          size += tag + varintSize(entry) + entry;
        }
        break;
      default: // W_STRING_LIST
        if (!Array.isArray(v)) return undefined;
        for (const x of v) {
          if (typeof x !== "string") return undefined;
          size += tag + str(x);
        }
    }
  }
  const armTag = (no << 3) | WireType.LengthDelimited;
  const body = 1 + varintSize(id) + 1 + (kind < 0x80 ? 1 : varintSize(kind)) + varintSize(armTag) + varintSize(size) + size;
  const buf = Buffer.allocUnsafe(varintSize(body) + body);
  let pos = writeVarint(buf, 0, body);
  buf[pos++] = 0x08;
  pos = writeVarint(buf, pos, id);
  buf[pos++] = 0x10;
  pos = writeVarint(buf, pos, kind);
  pos = writeVarint(buf, pos, armTag);
  pos = writeVarint(buf, pos, size);
  // second pass: the same fields, in the same order
  ns = 0;
  const putStr = (x: string): void => {
    const n = strLens[ns++]!;
    pos = writeVarint(buf, pos, n);
    pos += buf.write(x, pos, n, "utf8");
  };
  for (const f of fields) {
    const v = value[f.name];
    if (v === undefined || v === null) continue;
    switch (f.how) {
      case W_STRING:
        pos = writeVarint(buf, pos, (f.no << 3) | WireType.LengthDelimited);
        putStr(v as string);
        break;
      case W_BOOL:
        pos = writeVarint(buf, pos, (f.no << 3) | WireType.Varint);
        buf[pos++] = v ? 1 : 0;
        break;
      case W_DOUBLE:
        pos = writeVarint(buf, pos, (f.no << 3) | WireType.Bit64);
        pos = buf.writeDoubleLE(v as number, pos);
        break;
      case W_INT32:
        pos = writeVarint(buf, pos, (f.no << 3) | WireType.Varint);
        if ((v as number) >= 0) pos = writeVarint(buf, pos, v as number);
        else {
          // sign-extended to 64 bits, 10 bytes: the low 32 bits, then all ones
          let lo = (v as number) >>> 0;
          for (let i = 0; i < 4; i++) {
            buf[pos++] = (lo & 0x7f) | 0x80;
            lo >>>= 7;
          }
          buf[pos++] = (lo & 0x0f) | 0x70 | 0x80;
          for (let i = 0; i < 4; i++) buf[pos++] = 0xff;
          buf[pos++] = 0x01;
        }
        break;
      case W_UINT32:
        pos = writeVarint(buf, pos, (f.no << 3) | WireType.Varint);
        pos = writeVarint(buf, pos, v as number);
        break;
      case W_SINT32:
        pos = writeVarint(buf, pos, (f.no << 3) | WireType.Varint);
        pos = writeVarint(buf, pos, (((v as number) << 1) ^ ((v as number) >> 31)) >>> 0);
        break;
      case W_STRING_MAP:
        for (const k in v as Record<string, string>) {
          const x = (v as Record<string, string>)[k]!;
          pos = writeVarint(buf, pos, (f.no << 3) | WireType.LengthDelimited);
          const kn = strLens[ns]!, xn = strLens[ns + 1]!;
          pos = writeVarint(buf, pos, 1 + varintSize(kn) + kn + 1 + varintSize(xn) + xn);
          buf[pos++] = 0x0a;
          putStr(k);
          buf[pos++] = 0x12;
          putStr(x);
        }
        break;
      default:
        for (const x of v as string[]) {
          pos = writeVarint(buf, pos, (f.no << 3) | WireType.LengthDelimited);
          putStr(x);
        }
    }
  }
  return buf;
}

/**
 * One size-delimited Envelope {id, kind, payload}: the same bytes as
 * sizeDelimitedEncode(EnvelopeSchema, create(EnvelopeSchema, {id, kind,
 * payload})): writeFlat's, else the header written by hand and only the
 * arm through protobuf-es (whose writer visits every field of the Envelope).
 */
export function encodeEnvelope(id: number, kind: number, payload?: { case?: string | undefined; value?: unknown }): Uint8Array {
  const arm = payload?.case === undefined ? undefined : ARMS_BY_CASE.get(payload.case);
  const flat = arm && writeFlat(id, kind, arm.no, arm.schema, payload!.value);
  if (flat !== undefined) return flat;
  const w = new BinaryWriter();
  w.tag(1, WireType.Varint).uint32(id);
  w.tag(2, WireType.Varint).int32(kind);
  if (payload?.case !== undefined) {
    const arm = ARMS_BY_CASE.get(payload.case);
    if (arm === undefined) return sizeDelimitedEncode(EnvelopeSchema, create(EnvelopeSchema, { id, kind, payload } as Parameters<typeof create<typeof EnvelopeSchema>>[1]));
    const value = payload.value as Parameters<typeof create>[1];
    w.tag(arm.no, WireType.LengthDelimited).bytes(toBinary(arm.schema, create(arm.schema, value)));
  }
  return new BinaryWriter().bytes(w.finish()).finish();
}
