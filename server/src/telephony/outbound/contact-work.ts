import { Injectable } from '@nestjs/common';
import type { AccessClaims, ConversationView } from '#shared';
import { DomainError } from '../../common/domain-error.js';

/** A call or text a person asks to make for a piece of work (a schedule's manual step). */
export interface ContactForWork {
  channel: 'call' | 'sms';
  leadId: string;
  actor: AccessClaims;
}

/** What the work says of its contact: the ring pool to use when the request names none, and the gate's scope. */
export interface WorkContactTerms {
  poolId: string | null;
  scope?: { type: 'schedule'; id: string };
}

/**
 * The room that owns a kind of work an agent's call or text may fulfil. `check` throws a
 * DomainError naming the request's field when the contact may not be for it; `placed`
 * hears the conversation the contact made (the room follows it from there).
 */
export interface ContactWorkSource {
  check(id: string, contact: ContactForWork): Promise<WorkContactTerms>;
  placed(id: string, conversation: ConversationView): Promise<void>;
}

/**
 * The port through which telephony's `POST /api/calls` and `POST /api/sms` reach the work
 * they fulfil without importing the rooms above: schedules register `participant-action`.
 */
@Injectable()
export class ContactWork {
  private readonly sources = new Map<string, ContactWorkSource>();

  register(causeType: 'participant-action', source: ContactWorkSource): void {
    if (this.sources.has(causeType)) throw new Error(`contact work ${causeType} registered twice`);
    this.sources.set(causeType, source);
  }

  source(causeType: 'participant-action', field: string): ContactWorkSource {
    const s = this.sources.get(causeType);
    if (!s) throw DomainError.validation(field, `${causeType} work is not available`);
    return s;
  }
}
