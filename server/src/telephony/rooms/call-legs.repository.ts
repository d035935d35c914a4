import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Not } from 'typeorm';
import { CallEventEntity, CallLegEntity, type LegStatus } from './call-leg.entity.js';

/** A leg as stored, for the rooms that read legs through the call rooms' service. */
export type CallLeg = CallLegEntity;

/** The legs of calls in their conference rooms, and each call's events. */
@Injectable()
export class CallLegsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(leg: CallLegEntity): Promise<void> {
    await this.ds.getRepository(CallLegEntity).insert(leg);
  }

  findById(id: string): Promise<CallLegEntity | null> {
    return this.ds.getRepository(CallLegEntity).findOneBy({ id });
  }

  findByCallSid(callSid: string): Promise<CallLegEntity | null> {
    return this.ds.getRepository(CallLegEntity).findOneBy({ callSid });
  }

  /** Every leg of a conversation's call, oldest first. */
  legsOf(conversationId: string): Promise<CallLegEntity[]> {
    return this.ds.getRepository(CallLegEntity).find({ where: { conversationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The legs of a conversation still dialing or in the room. */
  openLegsOf(conversationId: string): Promise<CallLegEntity[]> {
    return this.ds.getRepository(CallLegEntity).find({ where: { conversationId, status: In(['dialing', 'in-room']) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Every leg still dialing or in a room, of every call live with an agent in its room now. */
  async liveCalls(): Promise<CallLegEntity[]> {
    const agents = await this.ds.getRepository(CallLegEntity).find({ where: { role: 'agent', status: 'in-room' }, select: { conversationId: true } });
    const ids = [...new Set(agents.map((a) => a.conversationId))];
    if (!ids.length) return [];
    return this.ds.getRepository(CallLegEntity).find({ where: { conversationId: In(ids), status: In(['dialing', 'in-room']) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The newest leg of this user's still dialing or in a room as an agent or a transfer target. */
  openLegOfUser(userId: string): Promise<CallLegEntity | null> {
    return this.ds.getRepository(CallLegEntity).findOne({ where: { userId, role: In(['agent', 'transfer']), status: In(['dialing', 'in-room']) }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** The call this user last held as its agent (their leg entered the room), if any. */
  async lastHeldBy(userId: string): Promise<string | null> {
    const leg = await this.ds.getRepository(CallLegEntity).findOne({ select: { conversationId: true }, where: { userId, role: 'agent', joinedAt: Not(IsNull()) }, order: { joinedAt: 'DESC', id: 'DESC' } });
    return leg?.conversationId ?? null;
  }

  /** Whether the user was ever on this call (any leg). */
  async hasLeg(conversationId: string, userId: string): Promise<boolean> {
    return (await this.ds.getRepository(CallLegEntity).countBy({ conversationId, userId })) > 0;
  }

  /** Records the carrier's sid for a leg it took. */
  async setCallSid(id: string, callSid: string, at: Date): Promise<void> {
    await this.ds.getRepository(CallLegEntity).update({ id, callSid: IsNull() }, { callSid, updatedAt: at });
  }

  /** Moves a leg to `to` unless it is already final (left or failed); returns whether it moved. */
  async move(id: string, to: LegStatus, patch: Partial<Pick<CallLegEntity, 'joinedAt' | 'leftAt' | 'conferenceSid'>>, at: Date): Promise<boolean> {
    const res = await this.ds.getRepository(CallLegEntity).update({ id, status: Not(In(['left', 'failed'])) }, { status: to, ...patch, updatedAt: at });
    return (res.affected ?? 0) > 0;
  }

  async setRole(id: string, role: CallLegEntity['role'], at: Date): Promise<void> {
    await this.ds.getRepository(CallLegEntity).update({ id }, { role, updatedAt: at });
  }

  /** A leg that left enters the room again (the same call, sent back to its bridge). */
  async reopen(id: string, at: Date): Promise<void> {
    await this.ds.getRepository(CallLegEntity).update({ id, status: 'left' }, { status: 'dialing', leftAt: null, updatedAt: at });
  }

  /** Muted, held, a monitor's mode: what the room reported or we asked of it. */
  async set(id: string, patch: Partial<Pick<CallLegEntity, 'muted' | 'held' | 'mode' | 'conferenceSid'>>, at: Date): Promise<void> {
    await this.ds.getRepository(CallLegEntity).update({ id }, { ...patch, updatedAt: at });
  }

  async addEvent(e: CallEventEntity): Promise<void> {
    await this.ds.getRepository(CallEventEntity).insert(e);
  }

  /** A conversation's call events, in order. */
  eventsOf(conversationId: string): Promise<CallEventEntity[]> {
    return this.ds.getRepository(CallEventEntity).find({ where: { conversationId }, order: { at: 'ASC', id: 'ASC' } });
  }
}
