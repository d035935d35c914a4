import type { DrawnOutcome, SimScript, SimSmsFailure, SimulatedCarrierOptions } from './types.js';

const DEFAULT_WEIGHTS: Record<DrawnOutcome, number> = { answer: 0.55, machine: 0.15, busy: 0.1, 'no-answer': 0.15, failed: 0.05 };

/** A small seeded generator, so the same seed and requests give the same outcomes. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What happens at the far end: the script forced for a number, else a draw from the
 * seeded generator. One generator serves every draw (outcomes, durations, texts), so
 * the same seed and the same requests in the same order replay the same day.
 */
export class Outcomes {
  private readonly random: () => number;
  private readonly scripts = new Map<string, SimScript>();

  constructor(private readonly options: Pick<SimulatedCarrierOptions, 'seed' | 'outcomes' | 'smsFailureRate'>) {
    this.random = mulberry32(options.seed);
  }

  /** Forces the outcome of calls and texts to `to` until replaced, or cleared with null. */
  script(to: string, plan: SimScript | null): void {
    if (plan) this.scripts.set(to, { ...plan });
    else this.scripts.delete(to);
  }

  scripted(to: string): SimScript | undefined {
    return this.scripts.get(to);
  }

  /** The script for `to`, else an outcome drawn by the configured weights. */
  plan(to: string): SimScript {
    const scripted = this.scripts.get(to);
    if (scripted) return { ...scripted };
    const { noAnswer, ...rest } = this.options.outcomes ?? {};
    const weights: Record<DrawnOutcome, number> = { ...DEFAULT_WEIGHTS, ...(noAnswer === undefined ? {} : { 'no-answer': noAnswer }), ...rest };
    const entries = Object.entries(weights) as Array<[DrawnOutcome, number]>;
    const total = entries.reduce((a, [, w]) => a + Math.max(0, w), 0);
    let r = this.random() * total;
    for (const [outcome, w] of entries) {
      if ((r -= Math.max(0, w)) < 0) return { outcome };
    }
    return { outcome: 'answer' };
  }

  /** How a text to `to` fails, or null when it arrives. */
  smsFailure(to: string): SimSmsFailure | null {
    const scripted = this.scripts.get(to);
    if (scripted) return scripted.smsFailure ?? (scripted.outcome === 'failed' ? { status: 'undelivered', errorCode: 30003 } : null);
    if (this.random() >= (this.options.smsFailureRate ?? 0.02)) return null;
    return { status: 'undelivered', errorCode: this.random() < 0.5 ? 30003 : 30005 };
  }

  /** Whole seconds drawn between min and max. */
  between([min, max]: [number, number]): number {
    return Math.round(min + this.random() * (max - min));
  }
}
