import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ErrorCode, type AccessClaims, type Channel, type ConsentOrigin, type ConsentReviewView, type OptOutChannel, type OptOutEntryView } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { ComplianceRepository } from './compliance.repository.js';
import type { ConsentReviewEntity } from './consent-review.entity.js';
import { OptOutsService } from './opt-outs.service.js';

export function toReviewView(r: ConsentReviewEntity): ConsentReviewView {
  return {
    id: r.id,
    address: r.address,
    leadId: r.leadId,
    conversationId: r.conversationId,
    origin: r.origin as ConsentOrigin,
    words: r.words,
    matched: r.matched,
    channel: r.channel as OptOutChannel,
    status: r.status as ConsentReviewView['status'],
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decidedBy: r.decidedBy,
    decisionNote: r.decisionNote,
    entryId: r.entryId,
  };
}

export interface ReviewRequest {
  address: string;
  leadId: string | null;
  conversationId: string | null;
  origin: ConsentOrigin;
  words: string;
  matched: string;
  channel: OptOutChannel;
  sourceRef: string | null;
}

/**
 * Messages that may be revocations, held for a supervisor. While one is open the gate
 * holds contact with the person on the channel its words named (or every channel); the
 * supervisor's decision either writes the revocation to the ledger or releases the hold.
 */
@Injectable()
export class ConsentReviewsService {
  constructor(
    private readonly repo: ComplianceRepository,
    private readonly optOuts: OptOutsService,
    private readonly clock: Clock,
  ) {}

  async open(r: ReviewRequest): Promise<{ review: ConsentReviewView; created: boolean }> {
    const { review, created } = await this.repo.openReview({
      id: randomUUID(),
      address: r.address,
      leadId: r.leadId,
      conversationId: r.conversationId,
      origin: r.origin,
      words: r.words.slice(0, 500),
      matched: r.matched.slice(0, 200),
      channel: r.channel,
      status: 'open',
      sourceRef: r.sourceRef,
      createdAt: this.clock.now(),
      decidedAt: null,
      decidedBy: null,
      decisionNote: null,
      entryId: null,
    });
    return { review: toReviewView(review), created };
  }

  /** Open reviews that hold contact with any of these addresses (on `channel`, or on any). */
  async holding(addresses: Array<string | null | undefined>, channel?: Channel): Promise<ConsentReviewView[]> {
    const list = [...new Set(addresses.filter((a): a is string => !!a))];
    return (await this.repo.openReviewsFor(list)).filter((r) => !channel || r.channel === 'all' || r.channel === channel).map(toReviewView);
  }

  async list(status: ConsentReviewView['status'] | undefined, limit: number, offset: number): Promise<ConsentReviewView[]> {
    return (await this.repo.listReviews(status ?? null, limit, offset)).map(toReviewView);
  }

  /**
   * A supervisor's decision. `revocation` writes the person's revocation to the ledger
   * (once, whatever happens to this request) and closes the review; `not-revocation`
   * releases the hold. A review decided already is a 409.
   */
  async decide(id: string, decision: 'revocation' | 'not-revocation', note: string | undefined, actor: AccessClaims): Promise<{ review: ConsentReviewView; entry: OptOutEntryView | null }> {
    const review = await this.repo.findReview(id);
    if (!review) throw DomainError.notFound('Consent review');
    if (review.status !== 'open') throw new DomainError(ErrorCode.Conflict, `This review was decided already (${review.status})`);
    let entry: OptOutEntryView | null = null;
    if (decision === 'revocation') {
      entry = await this.optOuts.write({
        address: review.address,
        action: 'opt-out',
        channel: review.channel as OptOutChannel,
        source: 'review',
        kind: 'revocation',
        origin: review.origin as ConsentOrigin,
        words: review.words,
        conversationId: review.conversationId,
        sourceRef: `review:${review.id}`,
        actorId: actor.sub,
        note: note ? `review ${review.id}: ${note}` : `review ${review.id}`,
      });
    }
    const at = this.clock.now();
    const patch = { status: decision, decidedAt: at, decidedBy: actor.sub, decisionNote: note?.slice(0, 500) ?? null, entryId: entry?.id ?? null };
    if (!(await this.repo.decideReview(id, patch))) throw new DomainError(ErrorCode.Conflict, 'This review was decided by someone else meanwhile');
    return { review: toReviewView({ ...review, ...patch }), entry };
  }
}
