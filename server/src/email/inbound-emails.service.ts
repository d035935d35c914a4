import { Injectable } from '@nestjs/common';
import type { AccessClaims, EmailThreadEntry, InboundEmailKind, InboundEmailPage, InboundEmailView } from '#shared';
import { DomainError } from '../common/domain-error.js';
import { leadName } from '../leads/lead-name.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { EmailInboundRepository, type InboundEmail, type InboundFilter } from './email-inbound.repository.js';
import { EmailMessagesRepository } from './email-messages.repository.js';
import { toEmailView } from './email-sender.js';

/** Received email as people read it: the supervisors' list, and each lead's thread of what went out and what came back. */
@Injectable()
export class InboundEmailsService {
  constructor(
    private readonly inbound: EmailInboundRepository,
    private readonly messages: EmailMessagesRepository,
    private readonly leads: LeadsRepository,
  ) {}

  async list(filter: InboundFilter, limit: number, offset: number): Promise<InboundEmailPage> {
    const { rows, total } = await this.inbound.list(filter, limit, offset);
    return { items: await this.views(rows), total };
  }

  /**
   * The lead's email thread, oldest first: the latest `limit` of its emails out and in,
   * each at its time (sent, or written when it never went; received). Agents: their own leads.
   */
  async thread(leadId: string, limit: number, actor: AccessClaims): Promise<EmailThreadEntry[]> {
    const record = await this.leads.findById(leadId);
    if (!record || record.lead.deletedAt || (actor.role === 'agent' && record.lead.ownerId !== actor.sub)) throw DomainError.notFound('Lead');
    const [out, { rows }] = await Promise.all([this.messages.ofLead(leadId, limit, 0), this.inbound.list({ leadId }, limit, 0)]);
    const entries: EmailThreadEntry[] = [
      ...out.map((m) => ({ direction: 'outbound' as const, at: (m.sentAt ?? m.createdAt).toISOString(), email: toEmailView(m) })),
      ...(await this.views(rows)).map((inbound) => ({ direction: 'inbound' as const, at: inbound.receivedAt, inbound })),
    ];
    // Newest `limit` of both, then in the order they happened (out before in at the same instant).
    entries.sort((a, b) => b.at.localeCompare(a.at) || (a.direction === b.direction ? 0 : a.direction === 'inbound' ? -1 : 1));
    return entries.slice(0, limit).reverse();
  }

  private async views(rows: InboundEmail[]): Promise<InboundEmailView[]> {
    const leadIds = [...new Set(rows.map((r) => r.leadId).filter((id): id is string => !!id))];
    const emailIds = [...new Set(rows.map((r) => r.matchedEmailId).filter((id): id is string => !!id))];
    const [leads, emails] = await Promise.all([leadIds.length ? this.leads.findByIds(leadIds) : [], this.messages.findByIds(emailIds)]);
    const names = new Map(leads.map((l) => [l.lead.id, leadName(l.lead)]));
    const subjects = new Map(emails.map((e) => [e.id, e.subject]));
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as InboundEmailKind,
      from: r.fromAddress,
      to: r.toAddress,
      subject: r.subject,
      snippet: r.body.replace(/\s+/g, ' ').trim().slice(0, 300),
      receivedAt: r.receivedAt.toISOString(),
      leadId: r.leadId,
      leadName: r.leadId ? (names.get(r.leadId) ?? null) : null,
      matchedEmailId: r.matchedEmailId,
      matchedSubject: r.matchedEmailId ? (subjects.get(r.matchedEmailId) ?? null) : null,
    }));
  }
}
