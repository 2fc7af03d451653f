// One pending call, stream or page iteration on the core: an iterator of its
// envelopes. The REQUEST (or PAGES / COLLECT: `kind`) goes out on first use;
// return() (a `break` out of a for-await loop) or aborting the signal sends
// CANCEL. Core.unary reads a call up to its RESPONSE, Core.pages an iteration
// up to its DONE; the generated AskStream reads one as typed frames.
import { Kind } from "./gen/proto/cmdop/core/v1/common_pb.js";
import type { Envelope } from "./gen/proto/cmdop/core/v1/envelope_pb.js";
import type { Post, Sink } from "./gen/resources.js";

/** RESPONSE, DONE and ERROR end a call: the core sends nothing after them on its id. */
export const TERMINAL: ReadonlySet<Kind> = new Set([Kind.RESPONSE, Kind.DONE, Kind.ERROR]);

export class Call implements AsyncIterator<Envelope, undefined> {
  private readonly queue: ({ env: Envelope } | { error: unknown })[] = [];
  private wake: (() => void) | undefined;
  private post: Promise<Post> | undefined;
  /** begin() has resolved: next() need not wait on it again (one promise less per frame). */
  private begun = false;
  private ended = false;
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
        frame: (env) => { if (!this.ended) this.push({ env }); },
        fail: (error) => { if (!this.ended) this.push({ error }); },
      }, this.kind);
      if (this.signal?.aborted) queueMicrotask(this.abort);
      else this.signal?.addEventListener("abort", this.abort, { once: true });
      this.begun = true;
      return post;
    })();
    return this.post;
  }

  private push(item: { env: Envelope } | { error: unknown }): void {
    this.queue.push(item);
    this.wake?.();
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
    if (aborted) this.push({ error: this.signal?.reason });
    else this.wake?.();
  }

  /** The next envelope; a terminal one (also ERROR: the reader makes its error) is the last. */
  async next(): Promise<IteratorResult<Envelope, undefined>> {
    if (!this.ended && !this.begun) await this.begin();
    while (this.queue.length === 0 && !this.ended) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
    const item = this.queue.shift();
    if (!item) return { done: true, value: undefined };
    if ("error" in item || TERMINAL.has(item.env.kind)) this.finish();
    if ("error" in item) throw item.error;
    return { done: false, value: item.env };
  }

  /** `break` / `return` in a for-await loop over the reader: cancels in the core. */
  async return(): Promise<IteratorReturnResult<undefined>> {
    this.cancel(false);
    return { done: true, value: undefined };
  }
}
