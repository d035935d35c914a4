/**
 * One call for many callers who each ask about one key: keys asked for in one turn of the
 * event loop, or while the previous call runs, go in one call (at most `max` keys each),
 * and one call runs at a time. A storm of requests that each need a row or two (socket
 * handshakes, inbox syncs and heartbeats when every softphone reconnects at once) then
 * costs a few statements per batch instead of pooled queries per request, and leaves the
 * pool to other work. Every caller is answered by a call that began after it asked, so
 * nothing is served from before a change it could have seen. A key asked twice in one
 * batch is passed once, with the latest input.
 */
export class BatchedByKey<V, I = undefined> {
  private readonly waiting = new Map<string, { input: I; callers: Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }> }>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly call: (inputs: Map<string, I>) => Promise<Map<string, V>>,
    private readonly max = 500,
  ) {}

  /** The answer for `key` (undefined when the call gave none). */
  get(key: string, ...input: I extends undefined ? [] : [I]): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const entry = this.waiting.get(key);
      if (entry) {
        entry.input = input[0] as I;
        entry.callers.push({ resolve, reject });
      } else this.waiting.set(key, { input: input[0] as I, callers: [{ resolve, reject }] });
      this.running ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    while (this.waiting.size) {
      const batch = [...this.waiting.entries()].slice(0, this.max);
      for (const [key] of batch) this.waiting.delete(key);
      try {
        const answers = await this.call(new Map(batch.map(([key, e]) => [key, e.input])));
        for (const [key, e] of batch) for (const c of e.callers) c.resolve(answers.get(key));
      } catch (err) {
        for (const [, e] of batch) for (const c of e.callers) c.reject(err);
      }
    }
    this.running = null;
  }
}
