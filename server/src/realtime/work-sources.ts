import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { WORK_KINDS, type WorkItem, type WorkKind } from '#shared';

/** Who an open item is for: named users, any available agent, or any available agent and named users whatever their state. */
export type Recipients = string[] | 'anyone' | { anyoneAnd: string[] };

/** An item open now, as agents see it, and whom it is open for. */
export interface OpenWork {
  item: WorkItem;
  recipients: Recipients;
}

/**
 * One kind of agents' work, answered for by the room that owns it, read from the work
 * itself so a resync after any outage shows the truth rather than what was pushed.
 */
export interface WorkSource {
  /** Several items at once (a few statements for the lot); those open for nobody now are absent. */
  describeMany(ids: string[]): Promise<Map<string, OpenWork>>;
  /** Everything of this kind open for the agent now; `available`: they may take work meant for anyone. */
  openFor(userId: string, opts: { available: boolean }): Promise<WorkItem[]>;
  /**
   * `openFor` for many agents at once (a few statements for the lot, however many ask):
   * what a storm of reconnecting softphones resyncs. Every agent asked about is a key,
   * with the same items `openFor` gives them.
   */
  openForMany(requests: Array<{ userId: string; available: boolean }>): Promise<Map<string, WorkItem[]>>;
}

/** Rows of many agents, each agent's first `take` kept, in the order read: what one `openFor` would read per agent. */
export function perAgent<R>(userIds: string[], rows: R[], ownerOf: (r: R) => string | null, take: number): Map<string, R[]> {
  const out = new Map<string, R[]>(userIds.map((u) => [u, []]));
  for (const r of rows) {
    const mine = out.get(ownerOf(r) ?? '');
    if (mine && mine.length < take) mine.push(r);
  }
  return out;
}

/** Splits `list` into runs of at most `size`, so one statement's `IN (...)` stays bounded. */
export function chunks<T>(list: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * The work kinds realtime delivers, each registered by its owner (in its provider's
 * `onModuleInit`), so realtime names no feature. A kind registered twice, or one of
 * `WORK_KINDS` with no source, stops the server from starting.
 */
@Injectable()
export class WorkSources implements OnApplicationBootstrap {
  private readonly sources = new Map<WorkKind, WorkSource>();

  register(kind: WorkKind, source: WorkSource): void {
    if (this.sources.has(kind)) throw new Error(`work source "${kind}" is registered twice`);
    this.sources.set(kind, source);
  }

  onApplicationBootstrap(): void {
    const missing = WORK_KINDS.filter((k) => !this.sources.has(k));
    if (missing.length) throw new Error(`no work source for ${missing.join(', ')}`);
  }

  get(kind: WorkKind): WorkSource {
    const source = this.sources.get(kind);
    if (!source) throw new Error(`no work source for ${kind}`);
    return source;
  }

  /** Every source, in the order of `WORK_KINDS`. */
  all(): Array<[WorkKind, WorkSource]> {
    return WORK_KINDS.flatMap((k) => {
      const s = this.sources.get(k);
      return s ? [[k, s] as [WorkKind, WorkSource]] : [];
    });
  }
}
