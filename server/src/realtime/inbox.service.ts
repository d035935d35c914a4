import { Injectable } from '@nestjs/common';
import type { WorkItem, WorkKind } from '#shared';
import { type OpenWork, WorkSources } from './work-sources.js';

/**
 * What is open in agents' inboxes, asked of each kind's work source (the rooms that own
 * the work register them), so a resync after any outage shows the truth rather than
 * what happened to be pushed.
 */
@Injectable()
export class InboxService {
  constructor(private readonly sources: WorkSources) {}

  /** Several items of one kind at once; those open for nobody now are absent. */
  describeMany(kind: WorkKind, ids: string[]): Promise<Map<string, OpenWork>> {
    if (!ids.length) return Promise.resolve(new Map());
    return this.sources.get(kind).describeMany(ids);
  }

  /** Everything open for this agent now, oldest due first. */
  async openFor(userId: string, available: boolean): Promise<WorkItem[]> {
    const items: WorkItem[] = [];
    for (const [, source] of this.sources.all()) items.push(...(await source.openFor(userId, { available })));
    return items.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  /** `openFor` for many agents: each source asked once for the lot. Every agent asked about is a key. */
  async openForMany(requests: Array<{ userId: string; available: boolean }>): Promise<Map<string, WorkItem[]>> {
    const out = new Map<string, WorkItem[]>(requests.map((r) => [r.userId, []]));
    if (!requests.length) return out;
    for (const [, source] of this.sources.all()) {
      const found = await source.openForMany(requests);
      for (const [userId, items] of found) out.get(userId)?.push(...items);
    }
    for (const items of out.values()) items.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    return out;
  }
}
