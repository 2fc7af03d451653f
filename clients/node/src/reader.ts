// A protobuf reader over a span of a buffer (a frame inside a stdout chunk),
// for the hot paths of wire.ts. protobuf-es's BinaryReader makes a DataView
// per reader and an array per tag(); at one reader per frame and a few tags
// per frame that was a large part of a stream frame's cost. This one reads
// varints, tags, strings and bytes itself, with protobuf-es's rules and
// errors (ported from its binary-encoding.js and varint.js), and hands the
// rare wire types (64-bit, fixed, float, long varints) to a BinaryReader
// made on first need.
import { ScalarType, type DescField } from "@bufbuild/protobuf";
import { BinaryReader, WireType, getTextEncoding } from "@bufbuild/protobuf/wire";

const decodeUtf8 = getTextEncoding().decodeUtf8;
const EMPTY = new Uint8Array(0);

// Buffer's own latin1 slicer, which toString("latin1", start, end) calls
// after its argument checks (they cost several times the slice for a short
// string); toString where a Node lacks it.
type Slicer = (this: Buffer, start: number, end: number) => string;
const bufferProto = Buffer.prototype as unknown as { latin1Slice?: Slicer };
const latin1Slice: Slicer = typeof bufferProto.latin1Slice === "function" ? bufferProto.latin1Slice
  : function (this: Buffer, start: number, end: number): string { return this.toString("latin1", start, end); };

export class Reader {
  buf: Uint8Array = EMPTY;
  pos = 0;
  limit = 0;
  private slowReader: BinaryReader | undefined;
  /** buf is a Node Buffer (it has latin1Slice). */
  private nodeBuffer = false;

  /** Reads buf from `pos`; nothing at or past `limit` (the frame's end) is read. */
  constructor(buf: Uint8Array, pos: number, limit: number) {
    this.reset(buf, pos, limit);
  }

  /** The same as a new Reader(buf, pos, limit): one reader serves frame after frame. */
  reset(buf: Uint8Array, pos: number, limit: number): this {
    if (buf !== this.buf || limit !== this.limit) {
      this.slowReader = undefined;
      this.nodeBuffer = Object.getPrototypeOf(buf) === Buffer.prototype;
    }
    this.buf = buf;
    this.pos = pos;
    this.limit = limit;
    return this;
  }

  private assertBounds(): void {
    if (this.pos > this.limit) throw new RangeError("premature EOF");
  }

  /** An unsigned 32-bit varint (protobuf-es varint32read: up to 10 bytes, the low 32 bits). */
  uint32(): number {
    const buf = this.buf;
    let b = buf[this.pos++]!;
    let result = b & 0x7f;
    if ((b & 0x80) === 0) {
      this.assertBounds();
      return result;
    }
    b = buf[this.pos++]!;
    result |= (b & 0x7f) << 7;
    if ((b & 0x80) === 0) {
      this.assertBounds();
      return result;
    }
    b = buf[this.pos++]!;
    result |= (b & 0x7f) << 14;
    if ((b & 0x80) === 0) {
      this.assertBounds();
      return result;
    }
    b = buf[this.pos++]!;
    result |= (b & 0x7f) << 21;
    if ((b & 0x80) === 0) {
      this.assertBounds();
      return result;
    }
    b = buf[this.pos++]!;
    result |= (b & 0x0f) << 28;
    for (let n = 5; (b & 0x80) !== 0 && n < 10; n++) b = buf[this.pos++]!;
    if ((b & 0x80) !== 0) throw new Error("invalid varint");
    this.assertBounds();
    return result >>> 0;
  }

  int32(): number {
    return this.uint32() | 0;
  }

  /** A tag as one number: field number `tag >>> 3`, wire type `tag & 7` (no array per tag). */
  tag(): number {
    const start = this.pos;
    const tag = this.uint32();
    const n = this.pos - start;
    if (n > 5 || (n === 5 && this.buf[this.pos - 1]! > 0x0f)) throw new Error("illegal tag: varint overflows uint32");
    if (tag >>> 3 <= 0 || (tag & 7) > 5) throw new Error("illegal tag: field no " + (tag >>> 3) + " wire type " + (tag & 7));
    return tag;
  }

  bytes(): Uint8Array {
    const len = this.uint32();
    const start = this.pos;
    this.pos += len;
    this.assertBounds();
    return this.buf.subarray(start, this.pos);
  }

  /**
   * Invalid UTF-8 throws when `strict` (protobuf-es: a field with utf8
   * validation). An ASCII string in a Node Buffer (the core's stdout) is
   * sliced from it directly: TextDecoder plus the view it needs cost several
   * times more for the short strings of a stream frame.
   */
  string(strict: boolean): string {
    const len = this.uint32();
    const start = this.pos, end = start + len;
    this.pos = end;
    this.assertBounds();
    const buf = this.buf;
    if (this.nodeBuffer) {
      let i = start;
      while (i < end && buf[i]! < 0x80) i++;
      if (i === end) return latin1Slice.call(buf as Buffer, start, end);
    }
    return decodeUtf8(buf.subarray(start, end), strict);
  }

  bool(): boolean {
    const b = this.buf[this.pos]!;
    if (b < 0x80 && this.pos < this.limit) {
      this.pos++;
      return b !== 0;
    }
    return this.slow((r) => r.bool());
  }

  sint32(): number {
    const z = this.uint32();
    return (z >>> 1) ^ -(z & 1);
  }

  /** Skips one field's value (protobuf-es skip(): a group to its end tag). */
  skip(wireType: number, fieldNo: number): void {
    switch (wireType) {
      case WireType.Varint:
        while (this.buf[this.pos++]! & 0x80) { /* to the varint's last byte */ }
        break;
      case WireType.Bit64:
        this.pos += 8;
        break;
      case WireType.Bit32:
        this.pos += 4;
        break;
      case WireType.LengthDelimited: {
        const len = this.uint32();
        this.pos += len;
        break;
      }
      case WireType.StartGroup:
        for (;;) {
          const t = this.tag();
          if ((t & 7) === WireType.EndGroup) {
            if ((t >>> 3) !== fieldNo) throw new Error("invalid end group tag");
            break;
          }
          this.skip(t & 7, t >>> 3);
        }
        break;
      default:
        throw new Error("cant skip wire type " + wireType);
    }
    this.assertBounds();
  }

  /** One read by protobuf-es's own reader at this position (the rare wire types). */
  slow<T>(read: (r: BinaryReader) => T): T {
    const r = (this.slowReader ??= new BinaryReader(this.buf.subarray(0, this.limit)));
    r.pos = this.pos;
    const v = read(r);
    this.pos = r.pos;
    return v;
  }
}

// The rare wire types, read by protobuf-es's reader (one function each, not a closure per read).
const readDouble = (r: BinaryReader): unknown => r.double();
const readFloat = (r: BinaryReader): unknown => r.float();
const readFixed32 = (r: BinaryReader): unknown => r.fixed32();
const readSfixed32 = (r: BinaryReader): unknown => r.sfixed32();
const readInt64 = (r: BinaryReader): unknown => r.int64();
const readUint64 = (r: BinaryReader): unknown => r.uint64();
const readSint64 = (r: BinaryReader): unknown => r.sint64();
const readFixed64 = (r: BinaryReader): unknown => r.fixed64();
const readSfixed64 = (r: BinaryReader): unknown => r.sfixed64();

/** One scalar of field `f` as protobuf-es reads it (64-bit ones as bigint, or a string with longAsString). */
export function readScalar(r: Reader, f: DescField, t: ScalarType): unknown {
  switch (t) {
    case ScalarType.STRING: return r.string(f.utf8Validation === true);
    case ScalarType.BOOL: return r.bool();
    case ScalarType.DOUBLE: return r.slow(readDouble);
    case ScalarType.FLOAT: return r.slow(readFloat);
    case ScalarType.INT32: return r.int32();
    case ScalarType.UINT32: return r.uint32();
    case ScalarType.SINT32: return r.sint32();
    case ScalarType.FIXED32: return r.slow(readFixed32);
    case ScalarType.SFIXED32: return r.slow(readSfixed32);
    case ScalarType.BYTES: return r.bytes();
    default: {
      const v = r.slow(t === ScalarType.INT64 ? readInt64 : t === ScalarType.UINT64 ? readUint64
        : t === ScalarType.SINT64 ? readSint64 : t === ScalarType.FIXED64 ? readFixed64 : readSfixed64);
      return "longAsString" in f && f.longAsString ? String(v) : v;
    }
  }
}

/** A scalar type's zero value (a map entry without its value). */
export function scalarZero(t: ScalarType): unknown {
  switch (t) {
    case ScalarType.STRING: return "";
    case ScalarType.BOOL: return false;
    case ScalarType.BYTES: return new Uint8Array(0);
    case ScalarType.INT64: case ScalarType.UINT64: case ScalarType.SINT64:
    case ScalarType.FIXED64: case ScalarType.SFIXED64: return BigInt(0);
    default: return 0;
  }
}
