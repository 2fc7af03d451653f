// The cmdop-core child: spawned lazily once, size-delimited Envelopes (the
// protobuf runtime's varint framing) on its stdin/stdout, frames demultiplexed
// by id to one sink per call or stream.
import { spawn, type ChildProcess } from "node:child_process";
import type { Writable } from "node:stream";
import { createInterface } from "node:readline";
import { create, fromBinary } from "@bufbuild/protobuf";
import { sizeDelimitedEncode } from "@bufbuild/protobuf/wire";
import { EnvelopeSchema, type Envelope } from "./gen/proto/cmdop/core/v1/envelope_pb.js";
import { Kind } from "./gen/proto/cmdop/core/v1/common_pb.js";
import { CmdopError, ConnectionError, TimeoutError, errorFromEnvelope } from "./gen/errors.js";
import { coreEnv, type ClientConfig } from "./gen/config.js";
import { IDL_HASH } from "./gen/meta.js";
import { recordDecoder, toRecord } from "./gen/records.js";
import type { Post, RequestPayload, Sink, Transport } from "./gen/resources.js";
import { resolveBinary } from "./binary.js";
import { Call, TERMINAL, type WireSink } from "./call.js";
import { type EnvelopeHead, armOf, encodeEnvelope, envelopeFrom, envelopeHead } from "./wire.js";

const EMPTY = Buffer.alloc(0);

/** The Envelope of bytes[start, end) whose head was read (undefined: not that simple): protobuf-es when envelopeFrom gives up. */
function decode(h: EnvelopeHead | undefined, bytes: Buffer, start: number, end: number): Envelope {
  return (h && envelopeFrom(h, bytes)) ?? fromBinary(EnvelopeSchema, bytes.subarray(start, end));
}

/** A response arm with its value as a record (what Transport.unary and pages resolve with). */
type RecordArm = { case: string | undefined; value?: unknown };

function recordArm(p: Envelope["payload"]): RecordArm {
  return p.case === undefined ? { case: undefined } : { case: p.case, value: toRecord(p.value) };
}

/**
 * Where the body of the frame at buf[pos] starts: its length prefix read (a
 * varint, as sizeDelimitedPeek reads it); -1 while the prefix is partial.
 * The length goes to `frameSize` (one number, no object per frame).
 */
let frameSize = 0;
function frameStart(buf: Uint8Array, pos: number): number {
  let size = 0;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= buf.length) return -1;
    const b = buf[pos + i]!;
    if (i < 5) size |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) {
      frameSize = size >>> 0;
      return pos + i + 1;
    }
  }
  throw new Error("invalid varint");
}

/** Where the core's log lines go (docs/stdio.md "Logs"): the `logger` client option. */
export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
}

/** The default logger: each line as is on stderr. */
export const stderrLogger: Logger = Object.freeze({
  error: (m: string) => void process.stderr.write(m + "\n"),
  warn: (m: string) => void process.stderr.write(m + "\n"),
  info: (m: string) => void process.stderr.write(m + "\n"),
  debug: (m: string) => void process.stderr.write(m + "\n"),
});

// "<time> <LEVEL> <message>" (CMDOP_LOG); any other stderr line is a diagnostic (warn).
const LOG_LINE = /^\S+ (ERROR|WARN|INFO|DEBUG) (.*)$/;

/** One line of the core's stderr to `logger`: its level, or warn for a diagnostic. */
export function forwardLogLine(logger: Logger, line: string): void {
  if (!line) return;
  const m = LOG_LINE.exec(line);
  if (!m) return logger.warn(line);
  const msg = m[2] ?? "";
  if (m[1] === "ERROR") logger.error(msg);
  else if (m[1] === "WARN") logger.warn(msg);
  else if (m[1] === "INFO") logger.info(msg);
  else logger.debug(msg);
}

export class Core implements Transport {
  private proc: ChildProcess | undefined;
  private ready: Promise<ChildProcess> | undefined;
  /** The core once its hello matched, until it is lost: a call on it needs no await of `ready`. */
  private live: ChildProcess | undefined;
  private nextId = 1;
  private readonly sinks = new Map<number, WireSink>();
  private closed = false;
  private readonly env: NodeJS.ProcessEnv;
  readonly fleetId: string | undefined;

  constructor(private readonly config: ClientConfig, private readonly logger: Logger = stderrLogger) {
    this.env = coreEnv(config); // credentials reach the core only through its environment
    this.fleetId = config.fleetId;
  }

  /** Every pending call and open stream gets `err`. */
  private failAll(err: Error): void {
    for (const sink of [...this.sinks.values()]) sink.fail(err);
    this.sinks.clear();
  }

  /** The running core (spawned on first use); resolves after a matching hello. */
  private start(): Promise<ChildProcess> {
    if (this.closed) return Promise.reject(new ConnectionError("client closed", { code: "connection" }));
    if (this.ready) return this.ready;
    // resolved at spawn time: with no binary this call fails and the next one looks again
    const bin = resolveBinary({ binaryPath: this.config.binaryPath });
    return (this.ready = new Promise<ChildProcess>((resolve, reject) => {
      // stderr is not part of the protocol: its lines go to the logger
      const proc = spawn(bin, ["--stdio"], { env: this.env, stdio: ["pipe", "pipe", "pipe"] });
      this.proc = proc;
      if (proc.stderr) {
        createInterface({ input: proc.stderr, crlfDelay: Infinity }).on("line", (line: string) => {
          try {
            forwardLogLine(this.logger, line);
          } catch {
            // a throwing logger never breaks the client
          }
        });
      }
      // A frame cut at the end of a read: its bytes so far (cutLen of them)
      // in a buffer of its whole size, filled from the next reads; or, when
      // even its length prefix was cut, that prefix's first bytes (stub).
      // Only the cut frame is copied, never the rest of a read.
      let cut: Buffer | undefined;
      let cutLen = 0;
      let stub: Buffer = EMPTY;
      const head: EnvelopeHead = { id: 0, kind: 0, hasId: false, hasKind: false, field: 0, start: 0, end: 0 };
      let hello = false;
      const lost = (why: string, err: CmdopError = new ConnectionError(why, { code: "connection" })): void => {
        clearTimeout(timer);
        if (this.proc !== proc) return; // already handled (exit after EOF)
        this.proc = this.ready = this.live = undefined; // the next call spawns a fresh core
        if (!hello) reject(err);
        this.failAll(err);
        proc.kill("SIGKILL");
      };
      const timer = setTimeout(() => lost("", new TimeoutError("cmdop-core handshake timeout", { code: "timeout" })), 10000);
      proc.stdin?.on("error", () => undefined); // EPIPE shows as exit/EOF instead
      proc.on("error", (e) => lost(`cmdop-core spawn failed: ${e.message}`));
      proc.on("exit", () => lost("cmdop-core exited"));
      proc.stdout?.on("end", () => lost("cmdop-core stdout closed"));
      const onFrame = (env: Envelope): void => {
        if (hello) return this.dispatch(env);
        if (env.id !== 0 || env.payload.case !== "hello") return; // nothing comes before hello
        const theirs = env.payload.value.idlHash;
        if (theirs !== IDL_HASH) {
          const msg = `IDL hash mismatch: cmdop-core was built from ${theirs}, this client from ${IDL_HASH}`;
          return lost(msg, new CmdopError(msg, { code: "idl_mismatch" }));
        }
        hello = true;
        clearTimeout(timer);
        // our hello back, before any request: "absent = not passed" for this
        // client (a 1.1 client never sends one; docs/stdio.md "Presence")
        this.write(proc, sizeDelimitedEncode(EnvelopeSchema, create(EnvelopeSchema, {
          id: 0, kind: Kind.REQUEST, payload: { case: "hello", value: { version: "node", idlHash: IDL_HASH } },
        })));
        this.live = proc;
        resolve(proc);
      };
      /** Reads the whole frames of b from pos (in place: offsets into b, no view per frame); returns where the first cut one starts. */
      const frames = (b: Buffer, pos: number): number => {
        for (let start = frameStart(b, pos); start >= 0 && start + frameSize <= b.length; start = frameStart(b, pos)) {
          const end = start + frameSize;
          pos = end;
          const h = envelopeHead(b, start, end, head);
          // routed by the head before any decoding: hello is the one frame read first
          if (hello && h !== undefined) this.route(h, b, start, end);
          else onFrame(decode(h, b, start, end));
        }
        return pos;
      };
      proc.stdout?.on("data", (chunk: Buffer) => {
        try {
          let pos = 0;
          if (stub.length > 0) {
            const joined = Buffer.concat([stub, chunk.subarray(0, 10)]);
            const start = frameStart(joined, 0);
            if (start < 0) {
              stub = Buffer.concat([stub, chunk]);
              return;
            }
            cut = Buffer.allocUnsafe(start + frameSize);
            cutLen = stub.copy(cut, 0);
            stub = EMPTY;
          }
          if (cut !== undefined) {
            const n = chunk.copy(cut, cutLen, 0, Math.min(chunk.length, cut.length - cutLen));
            cutLen += n;
            pos = n;
            if (cutLen < cut.length) return;
            const whole = cut;
            cut = undefined;
            frames(whole, 0);
          }
          pos = frames(chunk, pos);
          if (pos === chunk.length) return;
          const start = frameStart(chunk, pos);
          if (start < 0) {
            stub = Buffer.from(chunk.subarray(pos));
            return;
          }
          cut = Buffer.allocUnsafe(start - pos + frameSize);
          cutLen = chunk.copy(cut, 0, pos);
        } catch (e) {
          // a frame that is not an Envelope cannot be routed: its call would hang (as in Python)
          lost(`cmdop-core sent a malformed frame: ${String(e)}`);
        }
      });
    }));
  }

  /**
   * A frame after hello, by the id its head read: dropped for an unknown id
   * (e.g. after a cancel) with nothing decoded; a unary RESPONSE as a record,
   * a stream's frame as its waiting reader's item where the sink can take it
   * undecoded (WireSink.wire), else the decoded Envelope.
   */
  private route(h: EnvelopeHead, bytes: Buffer, start: number, end: number): void {
    const sink = this.sinks.get(h.id);
    if (sink === undefined) return;
    if (h.kind === Kind.RESPONSE && sink.record !== undefined && this.record(h, sink, bytes)) return;
    // a handle's RESPONSE opens it: its frames go on until DONE or ERROR
    if (TERMINAL.has(h.kind) && !(h.kind === Kind.RESPONSE && sink.untilDone)) this.sinks.delete(h.id);
    if (sink.wire?.(h, bytes)) return;
    sink.frame(decode(h, bytes, start, end));
  }

  /**
   * A unary call's RESPONSE straight to its record (../wire.ts), with no
   * protobuf-es Envelope; false when its arm has no record reader, and the
   * caller decodes it whole. Throws on a payload that is not its arm's message.
   */
  private record(h: EnvelopeHead, sink: WireSink, bytes: Uint8Array): boolean {
    const arm = armOf(h.field);
    const read = arm && recordDecoder(arm.schema.typeName);
    if (!arm || !read) return false;
    const value = read(bytes.subarray(h.start, h.end));
    this.sinks.delete(h.id);
    sink.record?.(arm.case, value);
    return true;
  }

  private dispatch(env: Envelope): void {
    const sink = this.sinks.get(env.id);
    if (!sink) return; // unknown ids are ignored (e.g. after a cancel)
    // a handle's RESPONSE opens it: its frames go on until DONE or ERROR
    if (TERMINAL.has(env.kind) && !(env.kind === Kind.RESPONSE && sink.untilDone)) this.sinks.delete(env.id);
    sink.frame(env);
  }

  private write(proc: ChildProcess, frame: Uint8Array): void {
    const stdin = proc.stdin;
    if (!stdin) return;
    // the frames written in one tick leave in one writev at its end (10,000
    // streams opened at once: a few syscalls, not 10,000)
    if (!this.corked) {
      this.corked = true;
      stdin.cork();
      process.nextTick(this.uncork, stdin);
    }
    stdin.write(frame); // one write: frames never interleave
  }

  private corked = false;
  private readonly uncork = (stdin: Writable): void => {
    this.corked = false;
    stdin.uncork();
  };

  /** Sends `payload` as `kind` (REQUEST, PAGES, COLLECT) and routes its frames to sink; returns the writer of later frames on its id. */
  async open(payload: RequestPayload, sink: WireSink, kind: Kind = Kind.REQUEST): Promise<Post> {
    const proc = await this.start();
    const id = this.nextId++;
    this.sinks.set(id, sink);
    this.write(proc, encodeEnvelope(id, kind, payload));
    const post = (kind: Kind, p?: RequestPayload): void => {
      if (kind === Kind.CANCEL) this.sinks.delete(id);
      if (this.proc === proc) this.write(proc, encodeEnvelope(id, kind, p));
    };
    return Object.assign(post, { id });
  }

  /**
   * One unary call: its RESPONSE arm, the value a record; ERROR rejects, and
   * so does aborting `signal` (after a CANCEL). With no signal the call needs
   * no Call: one sink settles one promise.
   */
  unary(payload: RequestPayload, signal?: AbortSignal): Promise<RecordArm> {
    if (signal) return this.unaryCall(payload, signal);
    return new Promise<RecordArm>((resolve, reject) => {
      const sink: Sink = {
        record: (arm, value) => resolve({ case: arm, value }),
        frame: (env) => {
          try {
            if (env.kind === Kind.RESPONSE) resolve(recordArm(env.payload));
            else if (env.kind === Kind.ERROR) reject(errorFromEnvelope(env));
            else if (env.kind === Kind.DONE) reject(new CmdopError("DONE frame for a unary call", { code: "internal" }));
          } catch (e) {
            reject(e);
          } // other kinds are not a unary call's: ignored
        },
        fail: reject,
      };
      const proc = this.closed ? undefined : this.live;
      if (proc === undefined) {
        this.open(payload, sink).catch(reject);
        return;
      }
      const id = this.nextId++; // as open(), without its await
      this.sinks.set(id, sink);
      this.write(proc, encodeEnvelope(id, Kind.REQUEST, payload));
    });
  }

  private async unaryCall(payload: RequestPayload, signal: AbortSignal): Promise<RecordArm> {
    const call = new Call((sink) => this.open(payload, sink), signal);
    for (let r = await call.next(); !r.done; r = await call.next()) {
      if (r.value.kind === Kind.RESPONSE) return recordArm(r.value.payload);
      if (r.value.kind === Kind.ERROR) throw errorFromEnvelope(r.value);
    } // other kinds are not a unary call's: ignored; the loop ends after DONE
    throw new CmdopError("DONE frame for a unary call", { code: "internal" });
  }

  /**
   * A page iteration in the core (docs/stdio.md "Pages"): PAGES brings the
   * first page, each NEXT one more, DONE ends it; the stop rules are the
   * core's pager's. Leaving the loop (return()) or aborting `signal` sends
   * CANCEL, which releases the core's iterator.
   */
  async *pages(payload: RequestPayload, signal?: AbortSignal): AsyncGenerator<RecordArm, void, undefined> {
    const call = new Call((sink, kind) => this.open(payload, sink, kind), signal);
    call.kind = Kind.PAGES;
    let post: Post | undefined;
    try {
      for (;;) {
        const r = await call.next();
        if (r.done || r.value.kind === Kind.DONE) return;
        if (r.value.kind === Kind.ERROR) throw errorFromEnvelope(r.value);
        if (r.value.kind !== Kind.EVENT) continue; // not an iteration's: ignored
        yield recordArm(r.value.payload);
        post ??= await call.begin();
        if (call.queued === 0) post(Kind.NEXT); // else its end (or an error) is already here
      }
    } finally {
      await call.return(); // CANCEL if the iteration is still open
    }
  }

  /** Closes stdin so the core drains; kills it after 5 s. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const proc = this.proc;
    if (!proc) return;
    this.failAll(new ConnectionError("client closed", { code: "connection" }));
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.stdin?.end();
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}
