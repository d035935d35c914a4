import type { Channel, OptOutChannel } from '../../../shared/src/index.js';

/** The parts of a ledger entry the rules look at. */
export interface LedgerEntry {
  action: 'opt-out' | 'opt-in';
  channel: OptOutChannel;
  scopeType: 'global' | 'schedule' | 'queue';
  scopeId: string;
}

/**
 * Which active entries a new entry supersedes (same address and scope):
 * - an entry on one channel supersedes the active entry on that channel;
 * - an entry on `all` supersedes every active entry in its scope.
 * So an SMS opt-in (START) lifts an SMS opt-out but not an opt-out from every
 * channel: only an opt-in on `all` lifts that. When in doubt, we do not contact.
 */
export function supersedes(next: LedgerEntry, active: LedgerEntry): boolean {
  if (next.scopeType !== active.scopeType || next.scopeId !== active.scopeId) return false;
  return next.channel === 'all' || next.channel === active.channel;
}

/** Whether an active entry forbids contact on `channel` within `scope` (global entries cover every scope). */
export function covers(entry: LedgerEntry, channel: Channel, scope?: { type: 'schedule' | 'queue'; id: string }): boolean {
  if (entry.action !== 'opt-out') return false;
  if (entry.channel !== 'all' && entry.channel !== channel) return false;
  if (entry.scopeType === 'global') return true;
  return !!scope && entry.scopeType === scope.type && entry.scopeId === scope.id;
}
