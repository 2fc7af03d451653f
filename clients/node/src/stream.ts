// A stream call: an async iterator of typed frames, with collect() and the
// ANSWER its generated subclass (AskStream) sends per side channel. The REQUEST
// goes out on first use; leaving the loop early (break -> return()) or
// aborting the signal sends CANCEL.
import { Kind } from "./gen/proto/cmdop/core/v1/common_pb.js";
import { errorFromEnvelope } from "./gen/errors.js";
import { frameFrom, type AskFrame } from "./gen/frames.js";
import type { Post, RequestPayload, Sink } from "./gen/resources.js";

type Item = { frame: AskFrame } | { error: unknown } | { end: true };

export class FrameStream implements AsyncIterableIterator<AskFrame> {
  private readonly queue: Item[] = [];
  private wake: (() => void) | undefined;
  private post: Promise<Post> | undefined;
  private ended = false;

  constructor(private readonly opener: (sink: Sink) => Promise<Post>, private readonly signal?: AbortSignal) {}

  private push(item: Item): void {
    this.queue.push(item);
    this.wake?.();
  }

  private begin(): Promise<Post> {
    this.post ??= (async () => {
      this.signal?.throwIfAborted();
      const post = await this.opener({
        frame: (env) => {
          if (env.kind === Kind.ERROR) this.push({ error: errorFromEnvelope(env, true) });
          else if (env.kind !== Kind.RESPONSE) this.push({ frame: frameFrom(env) });
          if (env.kind === Kind.DONE || env.kind === Kind.RESPONSE) this.push({ end: true });
        },
        fail: (error) => this.push({ error }),
      });
      const abort = (): void => this.cancel({ error: this.signal?.reason });
      if (this.signal?.aborted) queueMicrotask(abort);
      else this.signal?.addEventListener("abort", abort, { once: true });
      return post;
    })();
    return this.post;
  }

  /** Sends CANCEL once if the stream is still open; `item` ends the iteration. */
  private cancel(item: Item): void {
    if (this.ended) return;
    this.ended = true;
    void this.post?.then((post) => post(Kind.CANCEL), () => undefined);
    this.queue.length = 0;
    this.push(item);
  }

  async next(): Promise<IteratorResult<AskFrame, undefined>> {
    if (this.ended && this.queue.length === 0) return { done: true, value: undefined };
    await this.begin();
    while (this.queue.length === 0) await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
    const item = this.queue.shift()!;
    if ("frame" in item) return { done: false, value: item.frame };
    this.ended = true;
    this.queue.length = 0;
    if ("error" in item) throw item.error;
    return { done: true, value: undefined };
  }

  /** Called by `break` / `return` in a for-await loop: cancels in the core. */
  async return(): Promise<IteratorResult<AskFrame, undefined>> {
    this.cancel({ end: true });
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Sends an ANSWER on the stream's id (opening it first if need be). */
  protected async answer(payload: RequestPayload): Promise<void> {
    (await this.begin())(Kind.ANSWER, payload);
  }

  /** The answer text: done.text if not empty, else the event deltas joined. */
  async collect(): Promise<string> {
    let text = "";
    for await (const f of this) {
      if (f.type === "done") return f.text || text;
      if (f.type === "event" && f.payload && typeof f.payload === "object") {
        const p = f.payload as { delta?: unknown; text?: unknown };
        text += String(p.delta ?? p.text ?? "");
      }
    }
    return text;
  }
}
