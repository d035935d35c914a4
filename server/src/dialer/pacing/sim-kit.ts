/** The simulated floor's small parts: a seeded generator, rolling windows and samples, and its event heap. */

/** A small seeded generator (mulberry32). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rolling window of the last `size` flags and how many are set. */
export class Window {
  private readonly buf: Uint8Array;
  private at = 0;
  count = 0;
  hits = 0;
  constructor(private readonly size: number) {
    this.buf = new Uint8Array(size);
  }
  push(hit: boolean): void {
    if (this.count === this.size) this.hits -= this.buf[this.at];
    else this.count++;
    this.buf[this.at] = hit ? 1 : 0;
    this.hits += hit ? 1 : 0;
    this.at = (this.at + 1) % this.size;
  }
}

/** The last `size` samples. */
export class Samples {
  readonly values: number[] = [];
  private at = 0;
  constructor(private readonly size: number) {}
  push(v: number): void {
    if (this.values.length < this.size) this.values.push(v);
    else this.values[this.at] = v;
    this.at = (this.at + 1) % this.size;
  }
}

export interface SimEvent {
  t: number;
  seq: number;
  run: () => void;
}

export class Heap {
  private readonly a: SimEvent[] = [];
  get size(): number {
    return this.a.length;
  }
  push(e: SimEvent): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(a[p], a[i])) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): SimEvent | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l], a[m])) m = l;
        if (r < a.length && less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
const less = (x: SimEvent, y: SimEvent) => x.t < y.t || (x.t === y.t && x.seq < y.seq);
