export interface BatchedByKeyOptions<I> {
  /** Most keys in one call. */
  max?: number;
  /**
   * When a call for several keys fails, each key is asked again alone, so one key's
   * failure (a bad row, a constraint) fails only its own callers.
   */
  isolate?: boolean;
  /** A key asked again while it waits: how its inputs combine (default: the latest wins). */
  merge?: (earlier: I, later: I) => I;
  /** How long the first request of a batch waits for others to join it (default: one turn of the event loop). */
  waitMs?: number;
}

/**
 * One call for many callers who each ask about one key: keys asked for in one turn of the
 * event loop (or within `waitMs`), or while the previous call runs, go in one call (at most
 * `max` keys each), and one call runs at a time. A storm of requests that each need a row
 * or two (socket handshakes, inbox syncs and heartbeats when every softphone reconnects at
 * once) then costs a few statements per batch instead of pooled queries per request, and
 * leaves the pool to other work. Every caller is answered by a call that began after it
 * asked, so nothing is served from before a change it could have seen. A key asked twice
 * in one batch is passed once, with its inputs merged (the latest, unless `merge` says).
 */
export class BatchedByKey<V, I = undefined> {
  private readonly waiting = new Map<string, { input: I; callers: Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }> }>();
  private running: Promise<void> | null = null;
  private readonly options: Required<Omit<BatchedByKeyOptions<I>, 'merge'>> & Pick<BatchedByKeyOptions<I>, 'merge'>;

  constructor(
    private readonly call: (inputs: Map<string, I>) => Promise<Map<string, V>>,
    options: number | BatchedByKeyOptions<I> = {},
  ) {
    const o = typeof options === 'number' ? { max: options } : options;
    this.options = { max: o.max ?? 500, isolate: o.isolate ?? false, merge: o.merge, waitMs: o.waitMs ?? 0 };
  }

  /** The answer for `key` (undefined when the call gave none). */
  get(key: string, ...input: [I] extends [undefined] ? [] : [I]): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const entry = this.waiting.get(key);
      if (entry) {
        entry.input = this.options.merge ? this.options.merge(entry.input, input[0] as I) : (input[0] as I);
        entry.callers.push({ resolve, reject });
      } else this.waiting.set(key, { input: input[0] as I, callers: [{ resolve, reject }] });
      this.running ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    await new Promise<void>((r) => (this.options.waitMs > 0 ? setTimeout(r, this.options.waitMs) : setImmediate(r)));
    while (this.waiting.size) {
      const batch = [...this.waiting.entries()].slice(0, this.options.max);
      for (const [key] of batch) this.waiting.delete(key);
      try {
        const answers = await this.call(new Map(batch.map(([key, e]) => [key, e.input])));
        for (const [key, e] of batch) for (const c of e.callers) c.resolve(answers.get(key));
      } catch (err) {
        if (!this.options.isolate || batch.length === 1) {
          for (const [, e] of batch) for (const c of e.callers) c.reject(err);
          continue;
        }
        for (const [key, e] of batch) {
          try {
            const answer = (await this.call(new Map([[key, e.input]]))).get(key);
            for (const c of e.callers) c.resolve(answer);
          } catch (one) {
            for (const c of e.callers) c.reject(one);
          }
        }
      }
    }
    this.running = null;
  }
}
