import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { QueueResetView, RecycleRule } from '#shared';
import { Clock } from '../common/clock.js';
import { forEachLimit } from '../common/concurrency.js';
import { JsonLogger } from '../common/json-logger.js';
import { ContactPolicy } from '../compliance/contact-policy.js';
import { Transactions } from '../database/transactions.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { recycleRulesOf } from './dial-queue.codec.js';
import type { DialQueueEntity } from './dial-queue.entity.js';
import { DialIntake } from './dial-intake.js';
import { DialQueuesRepository } from './dial-queues.repository.js';
import { DialRecyclesRepository, type FinishedItem } from './dial-recycles.repository.js';

export const RECYCLE_SCAN_QUEUE = 'dial.recycle-scan';
/** How often finished leads are looked at for their queue's recycling rules. */
const SCAN_EVERY_MS = 60_000;
/** Items recycled per rule and scan (the rest wait for the next scan). */
const SCAN_BATCH = 500;
/** The most finished items one reset looks at. */
const RESET_LIMIT = 100_000;
/** Leads asked about at once (the gate's reads). */
const GATE_CONCURRENCY = 8;

/** Whether a lead may come back: yes (perhaps not before `notBefore`), or never, and why. */
type Verdict = { ok: true; notBefore: Date | null } | { ok: false; why: string };

/**
 * Lead recycling. A queue's rules bring a lead whose turn ended (by call outcome, by a
 * disposition that asked for a callback, or by one disposition code) back after a delay,
 * into the same queue or another, up to a number of passes; a scan every minute does it
 * (a scheduler job, so one instance at a time and none lost to a restart). A reset brings
 * back every finished lead of a queue at once, with a preview that counts the same leads.
 * Either way a lead the gate will never let through again (opted out, blocked, on a DNC
 * list, past a lifetime attempt cap, deleted or inactive) stays out; attempt caps and
 * calling windows stay in force, as the gate asks again before each dial.
 */
@Injectable()
export class DialRecycling implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly rows: DialRecyclesRepository,
    private readonly queues: DialQueuesRepository,
    private readonly intake: DialIntake,
    private readonly leads: LeadsRepository,
    private readonly policy: ContactPolicy,
    private readonly tx: Transactions,
    private readonly scheduler: SchedulerService,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(RECYCLE_SCAN_QUEUE, {
      handle: async () => {
        try {
          await this.scan();
        } finally {
          if (await this.rows.anyRules()) await this.scanSoon();
        }
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (await this.rows.anyRules()) await this.scanSoon();
  }

  /** A scan at the next minute's boundary (one job per boundary, whoever asks). */
  async scanSoon(): Promise<void> {
    const boundary = (Math.floor(this.clock.now().getTime() / SCAN_EVERY_MS) + 1) * SCAN_EVERY_MS;
    await this.scheduler.enqueue(RECYCLE_SCAN_QUEUE, {}, { dueAt: new Date(boundary), dedupeKey: `${RECYCLE_SCAN_QUEUE}:${boundary}` });
  }

  /** Brings back what each queue's rules say is due now. Returns how many leads came back. */
  async scan(): Promise<number> {
    const now = this.clock.now();
    let brought = 0;
    for (const q of await this.rows.queuesWithRules()) {
      for (const rule of recycleRulesOf(q)) {
        const due = await this.rows.due(q.id, rule, new Date(now.getTime() - rule.afterMinutes * 60_000), SCAN_BATCH);
        const into = rule.intoQueueId ? await this.queues.findById(rule.intoQueueId) : q;
        if (!due.length || !into) continue;
        await forEachLimit(due, GATE_CONCURRENCY, async (item) => {
          if ((await this.recycle(into, [item], this.why(rule))) === 'brought') brought++;
        });
      }
    }
    if (brought) this.logger.log(`dialer: ${brought} lead(s) recycled`);
    return brought;
  }

  /**
   * A queue's finished leads brought back for another pass (each lead once, its newest
   * item), or with `preview` only counted: the same selection either way.
   */
  async reset(q: DialQueueEntity, outcomes: string[] | null, preview: boolean): Promise<QueueResetView> {
    const finished = await this.rows.finished(q.id, outcomes, RESET_LIMIT);
    const byLead = new Map<string, FinishedItem[]>();
    for (const item of finished) byLead.set(item.leadId, [...(byLead.get(item.leadId) ?? []), item]);
    const waiting = await this.rows.activeLeads(q.id, [...byLead.keys()]);
    const view: QueueResetView = { preview, leads: 0, byOutcome: {}, excluded: {} };
    const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);
    const groups = [...byLead.values()].filter((items) => {
      if (!waiting.has(items[0].leadId)) return true;
      count(view.excluded, 'already waiting');
      return false;
    });
    await forEachLimit(groups, GATE_CONCURRENCY, async (items) => {
      let result: string;
      if (preview) {
        const v = await this.verdictFor(q, items[0].leadId);
        result = v.ok ? 'brought' : v.why;
      } else result = await this.recycle(q, items, 'reset');
      if (result !== 'brought') return void count(view.excluded, result);
      view.leads++;
      count(view.byOutcome, items[0].lastOutcome ?? 'unknown');
    });
    return view;
  }

  /** One lead back into `into` for its next pass, its finished items marked: 'brought', or why not. */
  private async recycle(into: DialQueueEntity, items: FinishedItem[], why: string): Promise<string> {
    const newest = items[0];
    const now = this.clock.now();
    const verdict = await this.verdictFor(into, newest.leadId);
    const ids = items.map((i) => i.id);
    if (!verdict.ok) {
      await this.rows.markRecycled(ids, now);
      return verdict.why;
    }
    return this.tx.run(async (em) => {
      if (!(await this.rows.markRecycled(ids, now, em))) return 'already recycled';
      const added = await this.intake.add(into.id, [newest.leadId], { source: 'recycle', sourceId: newest.id, pass: newest.pass + 1, dueAt: verdict.notBefore ?? now }, em);
      if (!added.length) return 'already waiting';
      this.logger.debug(`dialer: lead ${newest.leadId} recycled into ${into.name} (${why}, pass ${newest.pass + 1})`);
      return 'brought';
    });
  }

  /** The gate, asked without recording: a refusal with a time it ends is a yes for then; one without is never. */
  private async verdictFor(q: DialQueueEntity, leadId: string): Promise<Verdict> {
    const lead = await this.leads.findRow(leadId);
    if (!lead || lead.deletedAt) return { ok: false, why: 'deleted' };
    const decision = await this.policy.check({ lead }, 'call', this.clock.now(), { scope: { type: 'queue', id: q.id } });
    if (decision.allowed) return { ok: true, notBefore: null };
    if (decision.nextAllowedAt) return { ok: true, notBefore: new Date(decision.nextAllowedAt) };
    return { ok: false, why: reasonKey(decision.reasons.map((r) => r.code)) };
  }

  private why(rule: RecycleRule): string {
    return rule.outcome === 'disposition' ? `disposition ${rule.code}` : rule.outcome;
  }
}

/** A refusal's codes as a short key for the reset's counts. */
function reasonKey(codes: string[]): string {
  const c = codes[0] ?? 'refused';
  return c.toLowerCase().replace(/_/g, ' ');
}
