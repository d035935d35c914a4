import type { DispositionChangeView, DispositionFlags, DispositionView } from '#shared';
import type { DispositionChangeEntity, DispositionEntity } from './disposition.entity.js';

export const NO_FLAGS: DispositionFlags = { contacted: false, humanAnswered: false, success: false, doNotCall: false, callback: false, exitSchedule: false, final: false };

/** What every account starts with; an account-wide row with the same code replaces one (inactive hides it). */
export const SHIPPED_DISPOSITIONS: Array<Pick<DispositionView, 'code' | 'label' | 'flags' | 'callbackDelayMinutes'>> = [
  { code: 'sale', label: 'Sale', flags: { ...NO_FLAGS, contacted: true, humanAnswered: true, success: true, final: true, exitSchedule: true }, callbackDelayMinutes: null },
  { code: 'interested', label: 'Interested: call back', flags: { ...NO_FLAGS, contacted: true, humanAnswered: true, callback: true }, callbackDelayMinutes: 24 * 60 },
  { code: 'not-interested', label: 'Not interested', flags: { ...NO_FLAGS, contacted: true, humanAnswered: true, final: true, exitSchedule: true }, callbackDelayMinutes: null },
  { code: 'do-not-call', label: 'Do not call', flags: { ...NO_FLAGS, contacted: true, humanAnswered: true, doNotCall: true, final: true, exitSchedule: true }, callbackDelayMinutes: null },
  { code: 'wrong-number', label: 'Wrong number', flags: { ...NO_FLAGS, humanAnswered: true, final: true, exitSchedule: true }, callbackDelayMinutes: null },
  { code: 'voicemail', label: 'Left a voicemail', flags: { ...NO_FLAGS }, callbackDelayMinutes: null },
  { code: 'no-answer', label: 'No answer', flags: { ...NO_FLAGS }, callbackDelayMinutes: null },
];

/** A catalogue row as agents and admins see it. */
export function toView(r: DispositionEntity): DispositionView {
  return {
    id: r.id,
    scope: r.scopeType === 'account' ? { type: 'account' } : { type: r.scopeType as 'queue' | 'schedule', id: r.scopeId },
    code: r.code,
    label: r.label,
    flags: { contacted: r.contacted, humanAnswered: r.humanAnswered, success: r.success, doNotCall: r.doNotCall, callback: r.callback, exitSchedule: r.exitSchedule, final: r.final },
    actionGroupId: r.actionGroupId,
    callbackDelayMinutes: r.callbackDelayMinutes,
    position: r.position,
    active: r.active,
  };
}

export function toChangeView(c: DispositionChangeEntity): DispositionChangeView {
  return { id: c.id, conversationId: c.conversationId, from: c.fromCode, to: c.toCode, actorId: c.actorId, at: c.at.toISOString(), effects: JSON.parse(c.effects) as string[] };
}
