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
// nobody waits are queued as they came.
import { Kind } from "./gen/proto/cmdop/core/v1/common_pb.js";
import type { Envelope } from "./gen/proto/cmdop/core/v1/envelope_pb.js";
import type { Post, Sink } from "./gen/resources.js";

/** RESPONSE, DONE and ERROR end a call: the core sends nothing after them on its id. */
export const TERMINAL: ReadonlySet<Kind> = new Set([Kind.RESPONSE, Kind.DONE, Kind.ERROR]);

/** What a step returns for an envelope that is no item of the iteration (it reads on). */
export const SKIP: unique symbol = Symbol("skip");

/** An envelope to the iteration's item: SKIP to read on, a throw to end next() with that error. */
export type Step<T> = (env: Envelope) => T | typeof SKIP;

/** The core's loss (or an abort), queued in order with the envelopes. */
class Failure {
  constructor(readonly error: unknown) {}
}

const done = (): IteratorReturnResult<undefined> => ({ done: true, value: undefined });
const asIs: Step<Envelope> = (env) => env;

export class Call implements AsyncIterator<Envelope, undefined> {
  private readonly queue: (Envelope | Failure)[] = [];
  private post: Promise<Post> | undefined;
  /** begin() has resolved: next() need not wait on it again. */
  private begun = false;
  private ended = false;
  /** The reader waiting in next(): its step and its promise's settlers. */
  private waiting: Promise<IteratorResult<unknown, undefined>> | undefined;
  private step: Step<unknown> = asIs;
  private resolve: ((r: IteratorResult<unknown, undefined>) => void) | undefined;
  private reject: ((e: unknown) => void) | undefined;
  private readonly settlers = (resolve: (r: IteratorResult<unknown, undefined>) => void, reject: (e: unknown) => void): void => {
    this.resolve = resolve;
    this.reject = reject;
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
      const post = await this.opener({
        // after a cancel, late frames (and the core's loss) are no longer this call's
        frame: (env) => { if (!this.ended) this.push(env); },
        fail: (error) => { if (!this.ended) this.push(new Failure(error)); },
      }, this.kind);
      if (this.signal?.aborted) queueMicrotask(this.abort);
      else this.signal?.addEventListener("abort", this.abort, { once: true });
      this.begun = true;
      return post;
    })();
    return this.post;
  }

  /** An envelope (or the loss) for the reader: straight to a waiting one, else queued. */
  private push(item: Envelope | Failure): void {
    const resolve = this.resolve, reject = this.reject;
    if (resolve === undefined || reject === undefined || this.queue.length > 0) {
      this.queue.push(item);
      return;
    }
    let r: IteratorResult<unknown, undefined> | undefined;
    try {
      r = this.take(item, this.step);
    } catch (e) {
      this.release();
      reject(e);
      return;
    }
    if (r === undefined && !this.ended) return; // skipped: the reader waits on
    this.release();
    resolve(r ?? done());
  }

  /** The waiting reader is answered: the next push queues. */
  private release(): void {
    this.resolve = this.reject = this.waiting = undefined;
  }

  /** One queued item to its result (undefined: skipped); a terminal one (and a failure) ends the call. */
  private take(item: Envelope | Failure, step: Step<unknown>): IteratorResult<unknown, undefined> | undefined {
    if (item instanceof Failure) {
      this.finish();
      throw item.error;
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
   * the core's loss.
   */
  nextAs<T>(step: Step<T>): Promise<IteratorResult<T, undefined>> {
    return this.nextItem(step) as Promise<IteratorResult<T, undefined>>;
  }

  private nextItem(step: Step<unknown>): Promise<IteratorResult<unknown, undefined>> {
    if (!this.ended && !this.begun) return this.begin().then(() => this.nextItem(step));
    // a second next() before the first settled reads after it
    if (this.waiting) return this.waiting.then(() => this.nextItem(step), () => this.nextItem(step));
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

  /** `break` / `return` in a for-await loop over the reader: cancels in the core. */
  async return(): Promise<IteratorReturnResult<undefined>> {
    this.cancel(false);
    return { done: true, value: undefined };
  }
}
