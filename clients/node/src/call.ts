// One pending call, stream or page iteration on the core: an iterator of its
// envelopes. The REQUEST (or PAGES / COLLECT: `kind`) goes out on first use;
// return() (a `break` out of a for-await loop) or aborting the signal sends
// CANCEL. Core.unary reads a call up to its RESPONSE, Core.pages an iteration
// up to its DONE; the generated AskStream reads one as typed frames
// (nextAs: each envelope to its frame).
//
// One promise per frame: a reader waiting in next() is handed its result
// straight from the core's stdout handler (its frame made there), with no
// wake-up promise and no async function in between; frames that come while
// nobody waits are queued as they came. A reader that also gave a parts
// step gets its frame made from the envelope's bytes (wire.ts
// envelopeParts), with no Envelope decoded: the path of every frame of a
// stream whose reader keeps up.
import { Kind } from "./gen/proto/cmdop/core/v1/common_pb.js";
import type { Envelope } from "./gen/proto/cmdop/core/v1/envelope_pb.js";
import type { Post, Sink } from "./gen/resources.js";
import { type EnvelopeHead, envelopeParts } from "./wire.js";

/** RESPONSE, DONE and ERROR end a call: the core sends nothing after them on its id. */
export const TERMINAL: ReadonlySet<Kind> = new Set([Kind.RESPONSE, Kind.DONE, Kind.ERROR]);

/** What a step returns for an envelope that is no item of the iteration (it reads on). */
export const SKIP: unique symbol = Symbol("skip");

/** An envelope to the iteration's item: SKIP to read on, a throw to end next() with that error. */
export type Step<T> = (env: Envelope) => T | typeof SKIP;

/**
 * The same step over an envelope's parts, read from its bytes without the
 * Envelope (wire.ts EnvelopeParts: the arm's case, a union arm's member,
 * the fields of its message as a plain object, valid during the call
 * only); undefined when only the Envelope tells (then Step gets it).
 */
export type PartsStep<T> = (kind: Kind, arm: string | undefined, member: string | undefined, value: unknown) => T | typeof SKIP | undefined;

/** A Sink that can also take an envelope before it is decoded (Core routes by the head first). */
export interface WireSink extends Sink {
  /**
   * The envelope of `head` in `bytes`, not decoded: true when it needs no
   * more (made into the waiting reader's frame, or dropped after the end);
   * false to have it decoded and given to frame().
   */
  wire?(head: EnvelopeHead, bytes: Uint8Array): boolean;
}

/** The core's loss (or an abort), queued in order with the envelopes. */
class Failure {
  constructor(readonly error: unknown) {}
}

/**
 * A frame made by the parts step as it came, queued for a reader not
 * waiting yet (frames of one stream often come several in one read of the
 * core's stdout): its result (undefined: skipped), and whether it ends the call.
 */
class Made {
  constructor(readonly result: IteratorYieldResult<unknown> | undefined, readonly terminal: boolean) {}
}

const done = (): IteratorReturnResult<undefined> => ({ done: true, value: undefined });
const asIs: Step<Envelope> = (env) => env;

/**
 * A thenable that rejects with `error`: the waiting reader's promise,
 * resolved with it, rejects. Its reject function is not kept while the
 * reader waits (at 10,000 waiting streams each kept function is one more
 * object the young-generation GC copies).
 */
function rejecting(error: unknown): PromiseLike<never> {
  return { then: (_: unknown, reject?: (e: unknown) => unknown) => reject?.(error) } as PromiseLike<never>;
}

export class Call implements AsyncIterator<Envelope, undefined> {
  private readonly queue: (Envelope | Failure | Made)[] = [];
  private post: Promise<Post> | undefined;
  /** begin() has resolved: next() need not wait on it again. */
  private begun = false;
  private ended = false;
  /** The reader waiting in next(): its step and its promise's resolve (a rejection goes through it: rejecting()). */
  private waiting: Promise<IteratorResult<unknown, undefined>> | undefined;
  private step: Step<unknown> = asIs;
  /** The last reader's parts step (the frames that come are made with it). */
  private partsStep: PartsStep<unknown> | undefined;
  private resolve: ((r: IteratorResult<unknown, undefined> | PromiseLike<never>) => void) | undefined;
  private readonly settlers = (resolve: (r: IteratorResult<unknown, undefined> | PromiseLike<never>) => void): void => {
    this.resolve = resolve;
  };
  private readonly abort = (): void => this.cancel(true);
  /** The kind of the opening frame; set before the first use. */
  kind: Kind = Kind.REQUEST;

  constructor(private readonly opener: (sink: Sink, kind: Kind) => Promise<Post>, private readonly signal?: AbortSignal) {}

  /** Has the opening frame gone out (or been tried)? */
  get started(): boolean {
    return this.post !== undefined;
  }

  /** Frames received and not yet read (an iteration asks for no next page when its end is already here). */
  get queued(): number {
    return this.queue.length;
  }

  /** Opens the call once; resolves with the writer of later frames on its id. */
  begin(): Promise<Post> {
    this.post ??= (async () => {
      this.signal?.throwIfAborted();
      const sink: WireSink = {
        // after a cancel, late frames (and the core's loss) are no longer this call's
        frame: (env) => { if (!this.ended) this.push(env); },
        fail: (error) => { if (!this.ended) this.push(new Failure(error)); },
        wire: (head, bytes) => this.ended || this.pushParts(head, bytes),
      };
      const post = await this.opener(sink, this.kind);
      if (this.signal?.aborted) queueMicrotask(this.abort);
      else this.signal?.addEventListener("abort", this.abort, { once: true });
      this.begun = true;
      return post;
    })();
    return this.post;
  }

  /** An envelope (or the loss) for the reader: straight to a waiting one, else queued. */
  private push(item: Envelope | Failure): void {
    const resolve = this.resolve;
    if (resolve === undefined || this.queue.length > 0) {
      this.queue.push(item);
      return;
    }
    let r: IteratorResult<unknown, undefined> | undefined;
    try {
      r = this.take(item, this.step);
    } catch (e) {
      this.release();
      resolve(rejecting(e));
      return;
    }
    if (r === undefined && !this.ended) return; // skipped: the reader waits on
    this.release();
    resolve(r ?? done());
  }

  /**
   * An envelope not decoded yet, once a reader gave a parts step: its item
   * made from the envelope's parts, handed to the waiting reader or queued.
   * false (decode it and push()) before that, and where the step needs the
   * Envelope (or throws: its Envelope's step throws again when taken).
   */
  private pushParts(head: EnvelopeHead, bytes: Uint8Array): boolean {
    const partsStep = this.partsStep;
    if (partsStep === undefined) return false;
    const p = envelopeParts(head, bytes);
    if (p === undefined) return false;
    let value: unknown;
    try {
      value = partsStep(head.kind, p.arm, p.member, p.value);
    } catch {
      return false;
    }
    if (value === undefined) return false;
    const terminal = TERMINAL.has(head.kind);
    if (value === SKIP && !terminal) return true; // no item: the reader waits on
    const resolve = this.resolve;
    if (resolve === undefined || this.queue.length > 0) {
      this.queue.push(new Made(value === SKIP ? undefined : { done: false, value }, terminal));
      return true;
    }
    if (terminal) this.finish();
    this.release();
    resolve(value === SKIP ? done() : { done: false, value });
    return true;
  }

  /** The waiting reader is answered: the next push queues. */
  private release(): void {
    this.resolve = this.waiting = undefined;
  }

  /** One queued item to its result (undefined: skipped); a terminal one (and a failure) ends the call. */
  private take(item: Envelope | Failure | Made, step: Step<unknown>): IteratorResult<unknown, undefined> | undefined {
    if (item instanceof Failure) {
      this.finish();
      throw item.error;
    }
    if (item instanceof Made) {
      if (item.terminal) this.finish();
      return item.result;
    }
    if (TERMINAL.has(item.kind)) this.finish();
    const value = step(item);
    return value === SKIP ? undefined : { done: false, value };
  }

  /** No more frames: drops what is queued and lets go of the signal (a long-lived one would pile up listeners). */
  private finish(): void {
    this.ended = true;
    this.queue.length = 0;
    this.signal?.removeEventListener("abort", this.abort);
  }

  /** Sends CANCEL once if the call is still open; an abort ends the iteration with the signal's reason. */
  private cancel(aborted: boolean): void {
    if (this.ended) return;
    void this.post?.then((post) => post(Kind.CANCEL), () => undefined);
    this.finish();
    if (aborted) this.push(new Failure(this.signal?.reason));
    else if (this.resolve) {
      const resolve = this.resolve;
      this.release();
      resolve(done());
    }
  }

  /** The next envelope; a terminal one (also ERROR: the reader makes its error) is the last. */
  next(): Promise<IteratorResult<Envelope, undefined>> {
    return this.nextAs(asIs);
  }

  /**
   * The next item: `step` of the next envelope that is not skipped; done
   * after a terminal envelope; rejects with what `step` throws and with
   * the core's loss. `partsStep`, if given, is the same step over the
   * envelope's parts: the frames that come from now on are made from those
   * as they come, without their Envelope (a reader gives the same steps on
   * every call).
   */
  nextAs<T>(step: Step<T>, partsStep?: PartsStep<T>): Promise<IteratorResult<T, undefined>> {
    return this.nextItem(step, partsStep) as Promise<IteratorResult<T, undefined>>;
  }

  // no closure in here: V8 would make a context for them on every call
  private nextItem(step: Step<unknown>, partsStep: PartsStep<unknown> | undefined): Promise<IteratorResult<unknown, undefined>> {
    this.partsStep = partsStep;
    if (!this.ended && !this.begun) return this.after(this.begin(), false, step, partsStep);
    // a second next() before the first settled reads after it
    if (this.waiting) return this.after(this.waiting, true, step, partsStep);
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
      try {
        const r = this.take(item, step);
        if (r !== undefined) return Promise.resolve(r);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    if (this.ended) return Promise.resolve(done());
    this.step = step;
    return (this.waiting = new Promise(this.settlers));
  }

  /** nextItem once `first` resolved (or settled either way: `settled`); else its rejection. */
  private after(first: Promise<unknown>, settled: boolean, step: Step<unknown>, partsStep: PartsStep<unknown> | undefined): Promise<IteratorResult<unknown, undefined>> {
    const again = (): Promise<IteratorResult<unknown, undefined>> => this.nextItem(step, partsStep);
    return first.then(again, settled ? again : undefined);
  }

  /** `break` / `return` in a for-await loop over the reader: cancels in the core. */
  async return(): Promise<IteratorReturnResult<undefined>> {
    this.cancel(false);
    return { done: true, value: undefined };
  }
}
