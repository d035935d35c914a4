import { Injectable } from '@nestjs/common';
import { ErrorCode, type AccessClaims, type ConversationView, type Page } from '#shared';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import type { ConversationEntity, ConversationEventEntity } from './conversation.entity.js';
import { CallLegsRepository } from '../rooms/call-legs.repository.js';
import { type ConversationCursor, type ConversationFilter, ConversationsRepository } from './conversations.repository.js';

export interface ListConversationsInput {
  leadId?: string;
  agentId?: string;
  channel?: string;
  status?: string[];
  disposition?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

function encodeCursor(c: ConversationCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString('base64url');
}

function decodeCursor(s: string): ConversationCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime()) || typeof id !== 'string' || id.length > 36) throw new Error('bad');
    return { createdAt, id };
  } catch {
    throw DomainError.validation('cursor', 'is not a cursor this API returned');
  }
}

export function toConversationView(c: ConversationEntity): ConversationView {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: c.id,
    leadId: c.leadId,
    agentId: c.agentId,
    channel: c.channel as ConversationView['channel'],
    direction: c.direction as ConversationView['direction'],
    from: c.fromNumber,
    to: c.toNumber,
    providerSid: c.providerSid,
    status: c.status,
    body: c.body,
    answeredBy: c.answeredBy,
    createdAt: c.createdAt.toISOString(),
    ringingAt: iso(c.ringingAt),
    answeredAt: iso(c.answeredAt),
    endedAt: iso(c.endedAt),
    durationSeconds: c.durationSeconds,
    disposition: c.disposition,
    dispositionBy: c.dispositionBy,
    dispositionAt: iso(c.dispositionAt),
    notes: c.notes,
    recordingUrl: c.recordingUrl,
    errorCode: c.errorCode,
    errorMessage: c.errorMessage,
    poolId: c.poolId,
    poolNumberId: c.poolNumberId,
    cause: c.causeType ? { type: c.causeType, id: c.causeId } : null,
  };
}

/** Reading conversations: lists with filters for people, one with its callback trail. */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly repo: ConversationsRepository,
    private readonly clock: Clock,
    private readonly legs: CallLegsRepository,
  ) {}

  async list(input: ListConversationsInput, actor: AccessClaims): Promise<Page<ConversationView>> {
    const filter: ConversationFilter = { leadId: input.leadId, agentId: input.agentId, channel: input.channel, statuses: input.status, disposition: input.disposition };
    if (input.from) filter.from = new Date(input.from);
    if (input.to) filter.to = new Date(input.to);
    if (filter.from && filter.to && filter.from >= filter.to) throw DomainError.validation('to', 'must be after from');
    if (actor.role === 'agent') {
      if (input.agentId && input.agentId !== actor.sub) throw new DomainError(ErrorCode.Forbidden, "Agents see only their own conversations");
      filter.visibleTo = { agentId: actor.sub };
    }
    const limit = input.limit ?? 50;
    const rows = await this.repo.search(filter, input.cursor ? decodeCursor(input.cursor) : null, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toConversationView),
      nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  async get(id: string, actor: AccessClaims): Promise<ConversationView & { events: Array<{ status: string; sequence: number | null; applied: boolean; source: string; receivedAt: string }> }> {
    const c = await this.repo.findById(id);
    // Agents read their own conversations, and calls passed to them or by them.
    if (!c || (actor.role === 'agent' && c.agentId !== actor.sub && !(c.channel === 'call' && (await this.legs.hasLeg(id, actor.sub))))) throw DomainError.notFound('Conversation');
    const events = await this.repo.events(id);
    return { ...toConversationView(c), events: events.map(toEventView) };
  }

  /** Notes from the agent; the disposition catalogue and its effects come with dispositions. */
  async setNotes(id: string, notes: string, actor: AccessClaims): Promise<ConversationView> {
    const c = await this.repo.findById(id);
    if (!c || (actor.role === 'agent' && c.agentId !== actor.sub)) throw DomainError.notFound('Conversation');
    await this.repo.update(id, { notes, updatedAt: this.clock.now() });
    return toConversationView({ ...c, notes });
  }
}

function toEventView(e: ConversationEventEntity) {
  return { status: e.status, sequence: e.sequence, applied: e.applied, source: e.source, receivedAt: e.receivedAt.toISOString() };
}
