import type { DncRepository } from './dnc.repository.js';

const PAGE = 200_000;

/**
 * Every listed number in memory, sorted, for scrubbing whole lead lists and for the
 * gate's single lookups:
 * E.164 digits fit a double exactly (at most 15 digits), so ten million numbers take
 * 80 MB and a membership test is a binary search. A scrub first asks the database for
 * the lists' version (one small query); when it changed — a load or removal here or on
 * another instance — the index is rebuilt in the background and the scrub goes to the
 * database meanwhile, so an answer is never stale.
 */
export class DncIndex {
  private numbers: Float64Array | null = null;
  private version: string | null = null;
  private building: Promise<void> | null = null;
  private buildingVersion: string | null = null;
  /** When the version was last confirmed (monotonic ms), for single lookups. */
  private confirmedAt = -Infinity;
  private confirming: Promise<void> | null = null;

  constructor(
    private readonly repo: DncRepository,
    /** How long a confirmed version serves single lookups without asking again. */
    private readonly freshMs = 1000,
  ) {}

  /**
   * For the gate: whether the number is listed, from memory when the index was
   * confirmed current within `freshMs` (a change made on this instance invalidates it at
   * once; one made on another instance is seen within `freshMs`), else null (ask the
   * database) while the version is checked in the background.
   */
  lookup(digits: string): boolean | null {
    if (this.numbers && performance.now() - this.confirmedAt < this.freshMs) return this.has(Number(digits));
    this.confirm();
    return null;
  }

  /** Forgets the current index (after a load or removal here). */
  invalidate(): void {
    this.version = null;
    this.confirmedAt = -Infinity;
  }

  /** The subset of `digits` that is listed, or null when the index is not current (use the database). */
  async scrub(digits: string[]): Promise<Set<string> | null> {
    const v = await this.repo.version();
    if (v !== this.version || !this.numbers) {
      this.rebuild(v);
      return null;
    }
    this.confirmedAt = performance.now();
    const hits = new Set<string>();
    for (const d of digits) if (this.has(Number(d))) hits.add(d);
    return hits;
  }

  private confirm(): void {
    if (this.confirming) return;
    this.confirming = (async () => {
      const v = await this.repo.version();
      if (v === this.version && this.numbers) this.confirmedAt = performance.now();
      else this.rebuild(v);
    })()
      .catch(() => undefined)
      .finally(() => (this.confirming = null));
  }

  /** Builds the index now (and waits for it). */
  async warm(): Promise<void> {
    this.rebuild(await this.repo.version());
    await this.building;
  }

  get size(): number {
    return this.numbers?.length ?? 0;
  }

  private has(n: number): boolean {
    const a = this.numbers as Float64Array;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid];
      if (v === n) return true;
      if (v < n) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  private rebuild(v: string): void {
    if (this.building && this.buildingVersion === v) return;
    this.buildingVersion = v;
    const run = (async () => {
      let out = new Float64Array(1 << 16);
      let size = 0;
      let after = '0';
      for (;;) {
        const page = await this.repo.numbersAfter(after, PAGE);
        if (!page.length) break;
        if (size + page.length > out.length) {
          const grown = new Float64Array(Math.max(out.length * 2, size + page.length));
          grown.set(out.subarray(0, size));
          out = grown;
        }
        for (const d of page) out[size++] = Number(d);
        after = page[page.length - 1];
      }
      // Only the newest build may install itself.
      if (this.buildingVersion === v) {
        this.numbers = out.slice(0, size);
        this.version = v;
        this.confirmedAt = performance.now();
      }
    })();
    this.building = run.catch(() => undefined).finally(() => {
      if (this.building === guarded) this.building = null;
    });
    const guarded = this.building;
  }
}
