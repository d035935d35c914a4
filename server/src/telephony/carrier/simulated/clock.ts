import type { SimulatedCarrierOptions } from './types.js';

type Work = () => Promise<void> | void;

/**
 * The carrier's own time, and everything it has still to do: timers that fall due on it,
 * and work in flight (webhooks and what they set off), so a test can advance the manual
 * clock or settle and then look. On the real clock timers run on setTimeout, divided by
 * the speed; on the manual clock nothing runs until `advance`.
 */
export class CarrierClock {
  private readonly timers: Array<{ at: number; seq: number; fn: Work }> = [];
  private readonly handles = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly realOrigin = Date.now();
  private readonly clockOrigin: number;
  private manualNow: number;
  private timerSeq = 0;
  private stopped = false;

  constructor(private readonly options: Pick<SimulatedCarrierOptions, 'clock' | 'speed' | 'startAt' | 'retryDelayMs' | 'logger'>) {
    this.manualNow = (options.startAt ?? new Date('2026-01-01T00:00:00Z')).getTime();
    this.clockOrigin = options.startAt?.getTime() ?? this.realOrigin;
  }

  /** What the carrier reports in callbacks and resources. */
  now(): Date {
    if (this.options.clock === 'manual') return new Date(this.manualNow);
    return new Date(this.clockOrigin + (Date.now() - this.realOrigin) * this.speed);
  }

  /** Runs `fn` after `ms` of the carrier's time; nothing is scheduled once halted. */
  later(ms: number, fn: Work): void {
    if (this.stopped) return;
    if (this.options.clock === 'manual') {
      this.timers.push({ at: this.manualNow + ms, seq: this.timerSeq++, fn });
      return;
    }
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      void this.track(this.guard(fn));
    }, Math.max(0, ms / this.speed));
    handle.unref();
    this.handles.add(handle);
  }

  /** Manual clock: runs every timer that falls due within `ms`, in order, awaiting its webhooks. */
  async advance(ms: number): Promise<void> {
    if (this.options.clock !== 'manual') throw new Error('advance() needs the manual clock');
    const until = this.manualNow + ms;
    await this.settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.manualNow = Math.max(this.manualNow, next.at);
      await this.guard(next.fn);
      await this.settle();
    }
    this.manualNow = Math.max(this.manualNow, until);
  }

  /** Waits for every piece of work in flight (and whatever it set off). */
  async settle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** Counts `p` as work in flight until it settles. */
  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** The pause before a webhook is tried again. */
  pause(): Promise<void> {
    const ms = this.options.retryDelayMs ?? (this.options.clock === 'manual' ? 0 : 250);
    return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
  }

  /** Drops every pending timer and schedules no more until `resume`. */
  halt(): void {
    this.stopped = true;
    this.timers.length = 0;
    for (const h of this.handles) clearTimeout(h);
    this.handles.clear();
  }

  resume(): void {
    this.stopped = false;
  }

  private get speed(): number {
    const s = this.options.speed ?? 1;
    return s > 0 ? s : 1;
  }

  /** Runs a timer's work; a failure is logged, never thrown into the event loop. */
  private async guard(fn: Work): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.options.logger?.warn(`simulated carrier: ${(e as Error).message}`);
    }
  }
}
