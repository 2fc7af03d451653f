// The cmdop-core child: spawned lazily once, varint-framed Envelopes on its
// stdin/stdout, frames demultiplexed by id to one sink per call or stream.
import { spawn, type ChildProcess } from "node:child_process";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { EnvelopeSchema, type Envelope } from "./gen/proto/cmdop/core/v1/envelope_pb.js";
import { Kind } from "./gen/proto/cmdop/core/v1/common_pb.js";
import { CmdopError, ConnectionError, TimeoutError, errorFromInfo, type ErrorDetails } from "./gen/errors.js";
import { IDL_HASH } from "./gen/meta.js";
import type { RequestPayload, Transport } from "./gen/resources.js";
import { AskStream } from "./stream.js";

/** Receives the frames of one call or stream; fail() when the core is lost. */
export interface Sink {
  frame(env: Envelope): void;
  fail(err: Error): void;
}

/** Writes one more frame on an open call's id (ANSWER, CANCEL). */
export type Post = (kind: Kind, payload?: RequestPayload) => void;

export interface CoreOptions {
  binary: () => string; // resolved at spawn time, so a missing binary fails the call
  env: NodeJS.ProcessEnv;
  fleetId: string | undefined;
}

const TERMINAL = new Set([Kind.RESPONSE, Kind.DONE, Kind.ERROR]);

export function errorDetails(env: Envelope): ErrorDetails {
  return env.payload.case === "error" ? env.payload.value : { code: "internal", message: "ERROR without ErrorInfo" };
}

export class Core implements Transport {
  private proc: ChildProcess | undefined;
  private ready: Promise<ChildProcess> | undefined;
  private nextId = 1;
  private readonly sinks = new Map<number, Sink>();
  private closed = false;

  constructor(private readonly opts: CoreOptions) {}

  get fleetId(): string | undefined {
    return this.opts.fleetId;
  }

  /** The running core (spawned on first use); resolves after a matching hello. */
  private start(): Promise<ChildProcess> {
    if (this.closed) return Promise.reject(new ConnectionError("client closed", { code: "connection" }));
    if (this.ready) return this.ready;
    const bin = this.opts.binary(); // throws when there is none: that call fails, the next one looks again
    return (this.ready = new Promise<ChildProcess>((resolve, reject) => {
      const proc = spawn(bin, ["--stdio"], { env: this.opts.env, stdio: ["pipe", "pipe", "pipe"] });
      this.proc = proc;
      let buf: Buffer = Buffer.alloc(0);
      let hello = false;
      const lost = (why: string, err: CmdopError = new ConnectionError(why, { code: "connection" })): void => {
        clearTimeout(timer);
        if (this.proc !== proc) return; // already handled (exit after EOF)
        this.proc = this.ready = undefined; // the next call spawns a fresh core
        if (!hello) reject(err);
        for (const sink of [...this.sinks.values()]) sink.fail(err);
        this.sinks.clear();
        proc.kill("SIGKILL");
      };
      const timer = setTimeout(() => lost("", new TimeoutError("cmdop-core handshake timeout", { code: "timeout" })), 10000);
      proc.stderr?.resume(); // not part of the protocol: drained, discarded
      proc.stdin?.on("error", () => undefined); // EPIPE shows as exit/EOF instead
      proc.on("error", (e) => lost(`cmdop-core spawn failed: ${e.message}`));
      proc.on("exit", () => lost("cmdop-core exited"));
      proc.stdout?.on("end", () => lost("cmdop-core stdout closed"));
      proc.stdout?.on("data", (chunk: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          let len = 0, shift = 0, i = 0;
          for (; i < buf.length && i < 10; i++) {
            len += (buf[i]! & 0x7f) * 2 ** shift;
            shift += 7;
            if (buf[i]! < 0x80) break;
          }
          if (i >= buf.length || buf.length < i + 1 + len) return; // partial frame
          let env: Envelope;
          try {
            env = fromBinary(EnvelopeSchema, buf.subarray(i + 1, i + 1 + len));
          } catch {
            continue; // not an Envelope: skipped, the framing is intact
          } finally {
            buf = buf.subarray(i + 1 + len);
          }
          if (hello) {
            this.dispatch(env);
          } else if (env.id === 0 && env.payload.case === "hello") {
            const theirs = env.payload.value.idlHash;
            if (theirs !== IDL_HASH) {
              const msg = `IDL hash mismatch: cmdop-core was built from ${theirs}, this client from ${IDL_HASH}`;
              return lost(msg, new CmdopError(msg, { code: "idl_mismatch" }));
            }
            hello = true;
            clearTimeout(timer);
            resolve(proc);
          }
        }
      });
    }));
  }

  private dispatch(env: Envelope): void {
    const sink = this.sinks.get(env.id);
    if (!sink) return; // unknown ids are ignored (e.g. after a cancel)
    if (TERMINAL.has(env.kind)) this.sinks.delete(env.id);
    sink.frame(env);
  }

  private write(proc: ChildProcess, env: Envelope): void {
    const body = toBinary(EnvelopeSchema, env);
    const head: number[] = [];
    for (let n = body.length; ; n >>>= 7) {
      if (n < 0x80) { head.push(n); break; }
      head.push((n & 0x7f) | 0x80);
    }
    proc.stdin?.write(Buffer.concat([Buffer.from(head), body]));
  }

  /** Sends a REQUEST and routes its frames to sink; returns the writer of later frames on its id. */
  async open(payload: RequestPayload, sink: Sink): Promise<Post> {
    const proc = await this.start();
    const id = this.nextId++;
    this.sinks.set(id, sink);
    this.write(proc, create(EnvelopeSchema, { id, kind: Kind.REQUEST, payload }));
    return (kind, p) => {
      if (kind === Kind.CANCEL) this.sinks.delete(id);
      if (this.proc === proc) this.write(proc, create(EnvelopeSchema, { id, kind, payload: p }));
    };
  }

  async unary(payload: RequestPayload, signal?: AbortSignal): Promise<Envelope["payload"]> {
    signal?.throwIfAborted();
    let settle!: { resolve: (p: Envelope["payload"]) => void; reject: (e: unknown) => void };
    const result = new Promise<Envelope["payload"]>((resolve, reject) => (settle = { resolve, reject }));
    const onAbort = (): void => {
      post(Kind.CANCEL);
      settle.reject(signal?.reason);
    };
    const post = await this.open(payload, {
      frame: (env) => {
        if (!TERMINAL.has(env.kind)) return; // a unary call ignores other kinds
        signal?.removeEventListener("abort", onAbort);
        if (env.kind === Kind.RESPONSE) settle.resolve(env.payload);
        else settle.reject(env.kind === Kind.ERROR ? errorFromInfo(errorDetails(env))
          : new CmdopError("DONE frame for a unary call", { code: "internal" }));
      },
      fail: (err) => {
        signal?.removeEventListener("abort", onAbort);
        settle.reject(err);
      },
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    return result;
  }

  stream(payload: RequestPayload, signal?: AbortSignal): AskStream {
    return new AskStream((sink) => this.open(payload, sink), signal);
  }

  /** Closes stdin so the core drains; kills it after 5 s. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const proc = this.proc;
    if (!proc) return;
    const err = new ConnectionError("client closed", { code: "connection" });
    for (const sink of [...this.sinks.values()]) sink.fail(err);
    this.sinks.clear();
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.stdin?.end();
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}
