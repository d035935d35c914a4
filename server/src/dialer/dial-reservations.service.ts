import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { forEachLimit } from '../common/concurrency.js';
import { ContactPolicy } from '../compliance/contact-policy.js';
import { LeadsRepository, type LeadRecord } from '../leads/leads.repository.js';
import { callingWindowOf } from './dial-queue.codec.js';
import type { DialQueueEntity, DialQueueItemEntity } from './dial-queue.entity.js';
import { DialIntake } from './dial-intake.js';
import { DialItemMoves } from './dial-item-moves.service.js';
import { DialItemsRepository } from './dial-items.repository.js';

/** A lead the gate let through this recently is reserved without asking again (the dial asks again). */
export const PRECHECK_FRESH_MS = 60_000;
/** An opt-out written this long before a precheck began may still have been committing while the gate read: the mark is not written. */
const PRECHECK_COMMIT_MARGIN_MS = 10_000;
/** Leads checked at once ahead of the agents, out of the pool's connections. */
const PRECHECK_CONCURRENCY = 4;

type Window = ReturnType<typeof callingWindowOf>;

/**
 * A reserved lead the gate let through, with its record when the gate read it just now
 * (null when the precheck let it through a moment ago and it was not read): the dial is
 * handed that record and does not read the lead again.
 */
export interface Vetted {
  item: DialQueueItemEntity;
  lead: LeadRecord | null;
}

/**
 * Reserving leads and asking the compliance gate about them: at reservation (unless the
 * precheck let the lead through a moment ago) and ahead of the agents (the precheck). A
 * refused lead goes back re-dated to when it may be called, or ends when it never may; a
 * lead whose schedule step ended leaves the queue.
 */
@Injectable()
export class DialReservations {
  constructor(
    private readonly items: DialItemsRepository,
    private readonly moves: DialItemMoves,
    private readonly intake: DialIntake,
    private readonly leads: LeadsRepository,
    private readonly policy: ContactPolicy,
    private readonly clock: Clock,
  ) {}

  /**
   * Reserves up to `n` leads and asks the compliance gate about each now: a refused lead
   * goes back re-dated to when it may be called (or ends, when never), and another is
   * taken in its place.
   */
  async reserve(q: DialQueueEntity, agentId: string | null, n: number): Promise<Vetted[]> {
    const out: Vetted[] = [];
    const window = callingWindowOf(q);
    for (let round = 0; round < 5 && out.length < n; round++) {
      const now = this.clock.now();
      const got = await this.items.reserve(q.id, agentId, now, n - out.length);
      if (!got.length) break;
      const vetted = await Promise.all(got.map((item) => this.vet(q, item, now, window)));
      out.push(...vetted.filter((v): v is Vetted => v !== null));
    }
    return out;
  }

  /**
   * Whether a reserved lead may be dialed now: its source (a schedule step) still wants
   * it, and the gate let it through a moment ago (the precheck) or does now. Otherwise it
   * has gone back or ended (null).
   */
  async vet(q: DialQueueEntity, item: DialQueueItemEntity, now: Date, window: Window): Promise<Vetted | null> {
    if (item.source === 'schedule' && item.sourceId && !(await this.intake.stillWanted(item))) {
      await this.moves.finish(item, 'canceled', 'the schedule step ended', ['reserved'], false);
      return null;
    }
    if (item.checkedAt && now.getTime() - item.checkedAt.getTime() < PRECHECK_FRESH_MS) return { item, lead: null };
    const lead = await this.gate(q, item, now, window, ['reserved']);
    return lead ? { item, lead } : null;
  }

  /**
   * Asks the compliance gate about a lead now: its record when let through. Refused: the
   * item goes back (from `from`) re-dated to when it may be called, or ends as `refused`
   * when it never may.
   */
  private async gate(q: DialQueueEntity, item: DialQueueItemEntity, now: Date, window: Window, from: readonly string[]): Promise<LeadRecord | null> {
    const record = await this.leads.findById(item.leadId);
    if (!record) {
      await this.moves.finish(item, 'canceled', 'lead deleted', from, false);
      return null;
    }
    const decision = await this.policy.check({ lead: record.lead }, 'call', now, { scope: { type: 'queue', id: q.id }, narrowTo: window ? [window] : undefined });
    if (decision.allowed) return record;
    const reasons = decision.reasons.map((r) => r.message).join('; ');
    if (decision.nextAllowedAt) await this.moves.putBack(item, new Date(decision.nextAllowedAt), reasons, from);
    else await this.moves.finish(item, 'refused', reasons, from, false, decision.reasons.map((r) => r.code));
    return null;
  }

  /**
   * Checks the leads at the head of the queue ahead of the agents, so the next agent to
   * go ready gets a lead without waiting for the gate: those let through are marked
   * (`checked_at`), the others re-dated or ended as at reservation.
   */
  async precheck(q: DialQueueEntity, n: number): Promise<number> {
    const now = this.clock.now();
    const stale = new Date(now.getTime() - PRECHECK_FRESH_MS / 2);
    const head = await this.items.head(q.id, now, n);
    const window = callingWindowOf(q);
    let checked = 0;
    // A few at a time: agents going ready meanwhile need connections for their leads.
    await forEachLimit(
      head.filter((i) => !i.checkedAt || i.checkedAt < stale),
      PRECHECK_CONCURRENCY,
      async (item) => {
        const asked = this.clock.now();
        if ((await this.gate(q, item, now, window, ['pending'])) && (await this.items.markChecked(item, now, new Date(asked.getTime() - PRECHECK_COMMIT_MARGIN_MS)))) checked++;
      },
    );
    return checked;
  }
}
