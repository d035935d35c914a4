import { ErrorCode, type MonitorMode } from '#shared';
import { DomainError } from '../../common/domain-error.js';
import { orderedId } from '../../common/ids.js';
import type { CallLegEntity, LegRole } from './call-leg.entity.js';

/** Carrier statuses a leg's call ends in without ever having been in the room. */
export const MISSED = new Set(['no-answer', 'busy', 'failed', 'canceled']);

/** The conference room of a conversation's call: one per conversation, named after it. */
export function roomName(conversationId: string): string {
  return `conv-${conversationId}`;
}

/** A new leg, dialing: a listening supervisor's muted. */
export function newLeg(conversationId: string, role: LegRole, callSid: string | null, userId: string | null, address: string, now: Date, mode: MonitorMode | null = null): CallLegEntity {
  return { id: orderedId(), conversationId, callSid, conferenceSid: null, role, userId, address: address.slice(0, 64), mode, status: 'dialing', muted: mode === 'listen', held: false, joinedAt: null, leftAt: null, createdAt: now, updatedAt: now };
}

/** The person's leg in the room, or a conflict: there is nothing to transfer. */
export function liveCustomer(open: CallLegEntity[]): { customer: CallLegEntity } {
  const customer = open.find((l) => l.role === 'customer' && l.status === 'in-room');
  if (!customer) throw new DomainError(ErrorCode.Conflict, 'The person is not on the call: there is nothing to transfer');
  return { customer };
}

/** The person's and the agent's legs in the room, or a conflict: there is nothing to join. */
export function liveParties(open: CallLegEntity[]): { customer: CallLegEntity; agent: CallLegEntity } {
  const customer = open.find((l) => l.role === 'customer' && l.status === 'in-room');
  const agent = open.find((l) => l.role === 'agent' && l.status === 'in-room' && l.callSid);
  if (!customer || !agent) throw new DomainError(ErrorCode.Conflict, 'The call is not live with its agent: there is nothing to join');
  return { customer, agent };
}

/** This supervisor's leg on the call, or a conflict. */
export function monitorLeg(open: CallLegEntity[], supervisorId: string): CallLegEntity {
  const leg = open.find((l) => l.role === 'monitor' && l.userId === supervisorId);
  if (!leg?.callSid) throw new DomainError(ErrorCode.Conflict, 'You are not on this call');
  return leg;
}
