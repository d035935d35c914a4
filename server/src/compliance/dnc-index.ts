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
export interface IndexedList {
  id: number;
  name: string;
  createdAt: Date;
}

/** Marks a number held by several lists (the database says which). */
const SEVERAL = -1;

export class DncIndex {
  private numbers: Float64Array | null = null;
  /** For each number, the list holding it, or SEVERAL. */
  private listOf: Int32Array | null = null;
  private lists = new Map<number, IndexedList>();
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
  lookup(digits: string): IndexedList[] | null {
    if (this.numbers && performance.now() - this.confirmedAt < this.freshMs) {
      const i = this.indexOf(Number(digits));
      if (i < 0) return [];
      const list = this.lists.get((this.listOf as Int32Array)[i]);
      if (list) return [list];
      return null; // on several lists: ask the database
    }
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
    for (const d of digits) if (this.indexOf(Number(d)) >= 0) hits.add(d);
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

  /** Where `n` is in the sorted numbers, or -1. */
  private indexOf(n: number): number {
    const a = this.numbers as Float64Array;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid];
      if (v === n) return mid;
      if (v < n) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private rebuild(v: string): void {
    if (this.building && this.buildingVersion === v) return;
    this.buildingVersion = v;
    const run = (async () => {
      const lists = new Map((await this.repo.lists()).filter((l) => l.status !== 'removed').map((l) => [l.id, { id: l.id, name: l.name, createdAt: l.createdAt }]));
      let nums = new Float64Array(1 << 16);
      let owners = new Int32Array(1 << 16);
      let size = 0;
      let after = '0';
      for (;;) {
        // Pages overlap on their boundary number, so a number whose lists straddle two pages
        // is seen as on several (and the database names them).
        const page = await this.repo.entriesAfter(after, PAGE);
        if (!page.length || page[page.length - 1].number === after) break;
        if (size + page.length > nums.length) {
          const cap = Math.max(nums.length * 2, size + page.length);
          const n2 = new Float64Array(cap);
          const o2 = new Int32Array(cap);
          n2.set(nums.subarray(0, size));
          o2.set(owners.subarray(0, size));
          nums = n2;
          owners = o2;
        }
        for (const e of page) {
          const n = Number(e.number);
          if (size && nums[size - 1] === n) owners[size - 1] = SEVERAL;
          else {
            nums[size] = n;
            owners[size++] = e.listId;
          }
        }
        after = page[page.length - 1].number;
      }
      // Only the newest build may install itself.
      if (this.buildingVersion === v) {
        this.numbers = nums.slice(0, size);
        this.listOf = owners.slice(0, size);
        this.lists = lists;
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
