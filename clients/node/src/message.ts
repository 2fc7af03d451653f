// A protobuf-es message from its bytes, for the common shapes: the same
// message as fromBinary(desc, bytes) (own properties where it sets them, the
// prototype's defaults, oneofs as {case, value}), without its reflection
// layer, which indexes every field of each message it reads. Any shape
// fromBinary would treat specially (an unknown field or closed-enum value
// kept aside, a group, a map of messages or with non-string keys, a
// google.protobuf type) and any error give up: the caller then calls
// fromBinary, which also words the error. test/wire.test.ts compares the two
// on every Envelope arm.
import { create, ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { Reader, readScalar, scalarZero } from "./reader.js";

const GIVE_UP = new Error("not a common shape");

// A field's reading rule, as a small number (no string compare per field read).
const SCALAR = 0, ENUM = 1, MESSAGE = 2, LIST = 3, MAP = 4;

/** One field's reading rule, made once per type. */
interface FieldRule {
  readonly f: DescField;
  readonly rule: number;
  readonly name: string;
  /** The oneof's name for a oneof member (its value goes in as {case, value}). */
  readonly oneof: string | undefined;
  /** The scalar type of a scalar field or list (an enum list: int32). */
  readonly scalar: ScalarType;
  /** A closed enum's known values (another value is kept aside by fromBinary: give up). */
  readonly closedEnum: { readonly [n: number]: unknown } | undefined;
  /** The message type of a message field or list, resolved on first read (a type may nest itself). */
  shape: Shape | undefined;
}

/** What reading a message type needs, made once per type. */
interface Shape {
  readonly desc: DescMessage;
  /** The rules by field number; undefined: no such field (or one fromBinary treats specially). */
  readonly byNumber: (FieldRule | undefined)[];
  /** A google.protobuf type (fromBinary reads some of them specially): always given up. */
  readonly wellKnown: boolean;
  /**
   * A new zero message without its oneofs: what create(desc) makes, without
   * its walk of the type's members; the reader adds each oneof when it reads
   * its member or at the end (a {case: undefined} made first is mostly thrown
   * away: the frames of a stream all set theirs).
   */
  readonly make: () => Record<string, unknown>;
  /** The oneofs' names. */
  readonly oneofs: readonly string[];
}

const SHAPES = new Map<DescMessage, Shape>();

function shapeOf(desc: DescMessage): Shape {
  let s = SHAPES.get(desc);
  if (s === undefined) {
    const byNumber: (FieldRule | undefined)[] = [];
    for (const f of desc.fields) {
      if ("delimitedEncoding" in f && f.delimitedEncoding) continue; // a group: not covered
      const rule = f.fieldKind === "scalar" ? SCALAR : f.fieldKind === "enum" ? ENUM : f.fieldKind === "message" ? MESSAGE
        : f.fieldKind === "list" ? LIST : MAP;
      const scalar = f.fieldKind === "scalar" ? f.scalar : f.fieldKind === "list" && f.listKind === "scalar" ? f.scalar : ScalarType.INT32;
      const closedEnum = f.fieldKind === "enum" && !f.enum.open ? f.enum.value : undefined;
      byNumber[f.number] = { f, rule, name: f.localName, oneof: f.oneof?.localName, scalar, closedEnum, shape: undefined };
    }
    s = { desc, byNumber, wellKnown: desc.typeName.startsWith("google.protobuf."), make: zeroMaker(desc),
      oneofs: desc.oneofs.map((o) => o.localName) };
    SHAPES.set(desc, s);
  }
  return s;
}

function subShape(rule: FieldRule): Shape {
  if (rule.shape === undefined) {
    const f = rule.f;
    const desc = f.fieldKind === "message" ? f.message : f.fieldKind === "list" && f.listKind === "message" ? f.message : undefined;
    if (desc === undefined) throw GIVE_UP;
    rule.shape = shapeOf(desc);
  }
  return rule.shape;
}

// What a zero message's own field holds, copied fresh for each message.
const PLAIN = 0, ARRAY = 1, OBJECT = 2, BYTES = 3;

/**
 * The maker of desc's zero messages without their oneofs: create(desc)'s
 * prototype (the defaults of fields with explicit presence) and own
 * properties ($typeName, then a fresh zero for each list, map or implicit
 * field), copied from one create(desc).
 */
function zeroMaker(desc: DescMessage): () => Record<string, unknown> {
  const zero = create(desc) as unknown as Record<string, unknown>;
  const proto = Object.getPrototypeOf(zero) as object | null;
  const oneofs = new Set(desc.oneofs.map((o) => o.localName));
  const keys = Object.keys(zero).filter((k) => k !== "$typeName" && !oneofs.has(k));
  const values = keys.map((k) => zero[k]);
  const kinds = values.map((v) => Array.isArray(v) ? ARRAY : v instanceof Uint8Array ? BYTES
    : typeof v === "object" && v !== null ? OBJECT : PLAIN);
  const typeName = desc.typeName;
  return () => {
    const m = Object.create(proto) as Record<string, unknown>;
    m.$typeName = typeName;
    for (let i = 0; i < keys.length; i++) {
      const k = kinds[i];
      m[keys[i]!] = k === ARRAY ? [] : k === OBJECT ? {} : k === BYTES ? new Uint8Array(0) : values[i];
    }
    return m;
  };
}

/** A new zero message of desc (as create(desc)) but for its oneofs, which the caller sets. */
export function messageWithoutOneofs(desc: DescMessage): Record<string, unknown> {
  return shapeOf(desc).make();
}

function set(msg: Record<string, unknown>, rule: FieldRule, v: unknown): void {
  if (rule.oneof === undefined) msg[rule.name] = v;
  else msg[rule.oneof] = { case: rule.name, value: v };
}

function readMessage(shape: Shape, r: Reader, end: number, into?: Record<string, unknown>): Record<string, unknown> {
  if (shape.wellKnown) throw GIVE_UP;
  const msg = into ?? shape.make();
  const rules = shape.byNumber;
  while (r.pos < end) {
    const tag = r.tag();
    const rule = rules[tag >>> 3];
    if (rule === undefined) throw GIVE_UP;
    switch (rule.rule) {
      case SCALAR:
        set(msg, rule, readScalar(r, rule.f, rule.scalar));
        break;
      case ENUM: {
        const v = r.int32();
        if (rule.closedEnum !== undefined && rule.closedEnum[v] === undefined) throw GIVE_UP;
        set(msg, rule, v);
        break;
      }
      case MESSAGE: {
        const len = r.uint32();
        let prev: unknown;
        if (rule.oneof === undefined) prev = msg[rule.name];
        else {
          const cur = msg[rule.oneof] as { case?: string; value?: unknown } | undefined;
          prev = cur?.case === rule.name ? cur.value : undefined;
        }
        set(msg, rule, readMessage(subShape(rule), r, r.pos + len, prev as Record<string, unknown> | undefined));
        break;
      }
      case LIST: {
        const list = msg[rule.name] as unknown[];
        const f = rule.f;
        if (f.fieldKind === "list" && f.listKind === "message") {
          const len = r.uint32();
          list.push(readMessage(subShape(rule), r, r.pos + len));
          break;
        }
        const t = rule.scalar;
        if ((tag & 7) === WireType.LengthDelimited && t !== ScalarType.STRING && t !== ScalarType.BYTES) {
          const e = r.uint32() + r.pos;
          while (r.pos < e) list.push(readScalar(r, f, t));
        } else {
          list.push(readScalar(r, f, t));
        }
        break;
      }
      default: {
        const f = rule.f;
        if (f.fieldKind !== "map" || f.mapKey !== ScalarType.STRING || f.mapKind === "message") throw GIVE_UP;
        const map = msg[rule.name] as Record<string, unknown>;
        const e = r.uint32() + r.pos;
        let key: string | undefined, val: unknown;
        while (r.pos < e) {
          const kt = r.tag();
          const k = kt >>> 3;
          if (k === 1) key = r.string(f.utf8Validation);
          else if (k === 2) val = f.mapKind === "enum" ? r.int32() : readScalar(r, f, f.scalar);
          else r.skip(kt & 7, k);
        }
        val ??= f.mapKind === "enum" ? f.enum.values[0]!.number : scalarZero(f.scalar);
        map[key ?? ""] = val;
        break;
      }
    }
  }
  if (r.pos > end) throw GIVE_UP;
  const oneofs = shape.oneofs;
  for (let i = 0; i < oneofs.length; i++) if (msg[oneofs[i]!] === undefined) msg[oneofs[i]!] = { case: undefined };
  return msg;
}

// messageFrom's and scalarsFrom's reader: nothing they call reads another message from it.
const reader = new Reader(new Uint8Array(0), 0, 0);

/** fromBinary(desc, bytes[start, end)) for the common shapes; undefined for any other (then call fromBinary). */
export function messageFrom(desc: DescMessage, bytes: Uint8Array, start = 0, end = bytes.length): unknown {
  try {
    return readMessage(shapeOf(desc), reader.reset(bytes, start, end), end);
  } catch {
    return undefined;
  }
}

/**
 * A message type whose fields are all singular scalars or enums (a stream
 * frame's record): its field rules by number and its values when unset.
 */
interface Scalars {
  readonly byNumber: (FieldRule | undefined)[];
  /** Each field's value when unset, as create(desc) reads it, as own properties in field order. */
  readonly zero: Record<string, unknown>;
  readonly names: readonly string[];
  /** scalarsFrom's answer when asked to reuse one (the same shape as zero). */
  readonly scratch: Record<string, unknown>;
}

/** By type; null: a type with another kind of field. */
const SCALARS = new Map<DescMessage, Scalars | null>();

function scalarsOf(desc: DescMessage): Scalars | null {
  let s = SCALARS.get(desc);
  if (s === undefined) {
    s = null;
    const shape = shapeOf(desc);
    const zeroMsg = create(desc) as unknown as Record<string, unknown>;
    const zero: Record<string, unknown> = {};
    let plain = !shape.wellKnown && desc.oneofs.length === 0;
    for (const f of desc.fields) {
      if ((f.fieldKind !== "scalar" && f.fieldKind !== "enum") || shape.byNumber[f.number] === undefined) plain = false;
      else zero[f.localName] = zeroMsg[f.localName];
    }
    if (plain) s = { byNumber: shape.byNumber, zero, names: Object.keys(zero), scratch: { ...zero } };
    SCALARS.set(desc, s);
  }
  return s;
}

/**
 * The fields of a message of singular scalars and enums read from
 * bytes[start, end) as one plain object: each field's value as
 * fromBinary(desc, ...) has it (unset: its default), in field order, with
 * no $typeName and no prototype. An unknown field is skipped, and a closed
 * enum's unknown value leaves its field unset (fromBinary keeps both aside,
 * beside the same field values). undefined for a type with any other kind
 * of field, and for bytes that are not the message (then call fromBinary,
 * which words the error). `reuse`: the answer is one object per type,
 * refilled by the next call (no allocation: for a reader that copies the
 * values out at once, as a stream's frame step does).
 */
export function scalarsFrom(desc: DescMessage, bytes: Uint8Array, start = 0, end = bytes.length, reuse = false): Record<string, unknown> | undefined {
  const s = scalarsOf(desc);
  if (s === null) return undefined;
  let out: Record<string, unknown>;
  if (reuse) {
    out = s.scratch;
    for (const name of s.names) out[name] = s.zero[name];
  } else out = { ...s.zero };
  const r = reader.reset(bytes, start, end);
  try {
    while (r.pos < end) {
      const tag = r.tag();
      const rule = s.byNumber[tag >>> 3];
      if (rule === undefined) r.skip(tag & 7, tag >>> 3);
      else if (rule.rule === SCALAR) out[rule.name] = readScalar(r, rule.f, rule.scalar);
      else {
        const v = r.int32();
        if (rule.closedEnum === undefined || rule.closedEnum[v] !== undefined) out[rule.name] = v;
      }
    }
  } catch {
    return undefined;
  }
  return r.pos === end ? out : undefined;
}
