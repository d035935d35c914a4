import { Injectable } from '@nestjs/common';
import type { AccessClaims, EmailMessageView } from '#shared';
import { DomainError } from '../common/domain-error.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { EmailMessagesRepository } from './email-messages.repository.js';
import { toEmailView } from './email-sender.js';

/** A lead's emails as its email conversation. */
@Injectable()
export class LeadEmailsService {
  constructor(
    private readonly leads: LeadsRepository,
    private readonly messages: EmailMessagesRepository,
  ) {}

  async list(leadId: string, limit: number, offset: number, actor: AccessClaims): Promise<EmailMessageView[]> {
    const record = await this.leads.findById(leadId);
    // The lead rule: an agent is told "not found" for another agent's lead.
    if (!record || record.lead.deletedAt || (actor.role === 'agent' && record.lead.ownerId !== actor.sub)) throw DomainError.notFound('Lead');
    return (await this.messages.ofLead(leadId, limit, offset)).map(toEmailView);
  }
}
