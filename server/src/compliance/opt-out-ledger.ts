import type { Channel, OptOutChannel } from '#shared';

/**
 * What an entry is:
 * - `revocation`: the person said they do not want to be contacted (a keyword, their own
 *   words, a spoken request, an unsubscribe link). Under the revoke-all rule it stops every
 *   channel and campaign, to every address of the person.
 * - `internal`: the floor's own decision (an admin's opt-out, a schedule step). It covers
 *   exactly its channel, scope and address.
 * - `consent`: an opt-in (START, a supervisor lifting an entry). Never wider than it says.
 */
export type LedgerKind = 'revocation' | 'internal' | 'consent';

/** The parts of a ledger entry the rules look at. */
export interface LedgerEntry {
  id: string;
  address: string;
  action: 'opt-out' | 'opt-in';
  kind: LedgerKind;
  channel: OptOutChannel;
  scopeType: 'global' | 'schedule' | 'queue';
  scopeId: string;
  createdAt: Date;
  /** Leads the address belonged to when the entry was written (a revocation reaches the whole person). */
  leadIds?: readonly string[];
}

export type ScopeMode = 'all' | 'per-channel';

export interface LedgerQuery {
  /** The address about to be contacted. */
  address: string;
  channel: Channel;
  /** A schedule or queue whose own entries apply besides the global ones. */
  scope?: { type: 'schedule' | 'queue'; id: string };
  /** The person: their lead and every address of theirs that we know. */
  leadId?: string;
  leadAddresses?: readonly string[];
}

function widens(e: LedgerEntry, mode: ScopeMode): boolean {
  return mode === 'all' && e.kind === 'revocation' && e.action === 'opt-out';
}

/** The scope bucket an entry counts in: a widened revocation counts everywhere. */
function bucket(e: LedgerEntry, mode: ScopeMode): string {
  return widens(e, mode) || e.scopeType === 'global' ? 'global' : `${e.scopeType}:${e.scopeId}`;
}

function channelApplies(e: LedgerEntry, channel: Channel, mode: ScopeMode): boolean {
  return e.channel === 'all' || e.channel === channel || widens(e, mode);
}

function addressApplies(e: LedgerEntry, q: LedgerQuery, mode: ScopeMode): boolean {
  if (e.address === q.address) return true;
  if (!widens(e, mode)) return false;
  return (!!q.leadId && !!e.leadIds?.includes(q.leadId)) || !!q.leadAddresses?.includes(e.address);
}

/** Whether an entry speaks to this contact at all (either way: opt-out or opt-in). */
export function applies(e: LedgerEntry, q: LedgerQuery, mode: ScopeMode): boolean {
  if (!channelApplies(e, q.channel, mode) || !addressApplies(e, q, mode)) return false;
  const b = bucket(e, mode);
  return b === 'global' || (!!q.scope && b === `${q.scope.type}:${q.scope.id}`);
}

function newer(a: LedgerEntry, b: LedgerEntry): boolean {
  const d = a.createdAt.getTime() - b.createdAt.getTime();
  // At the same instant the opt-out wins: when in doubt, we do not contact.
  if (d !== 0) return d > 0;
  return a.action === 'opt-out' && b.action === 'opt-in';
}

/**
 * The opt-outs that forbid this contact. An opt-out that speaks to the contact forbids it
 * unless a later opt-in in the same scope bucket speaks to it too and is at least as wide:
 * an opt-in of one channel lifts that channel of an opt-out made by or for that channel
 * (START after STOP allows texts again, even where the revoke-all rule widened the STOP to
 * calls and email, which stay stopped), never an opt-out of every channel the person or
 * the floor asked for; only an opt-in of every channel lifts that.
 */
export function forbidding(entries: readonly LedgerEntry[], q: LedgerQuery, mode: ScopeMode): LedgerEntry[] {
  const speaking = entries.filter((e) => applies(e, q, mode));
  const optIns = speaking.filter((e) => e.action === 'opt-in');
  return speaking.filter((o) => o.action === 'opt-out' && !optIns.some((i) => bucket(i, mode) === bucket(o, mode) && newer(i, o) && (i.channel === 'all' || o.channel !== 'all')));
}

/** Whether an opt-out still forbids some contact to its own address, given the address's other active entries. */
export function inForce(e: LedgerEntry, others: readonly LedgerEntry[], mode: ScopeMode): boolean {
  if (e.action !== 'opt-out') return false;
  const scope = e.scopeType === 'global' ? undefined : { type: e.scopeType as 'schedule' | 'queue', id: e.scopeId };
  return (['call', 'sms', 'email'] as const).some((channel) => forbidding(others, { address: e.address, channel, scope }, mode).some((f) => f.id === e.id));
}

/** What an entry reaches under a mode: channels, campaigns and addresses. */
export function reach(e: LedgerEntry, mode: ScopeMode): { channels: OptOutChannel[]; campaigns: 'all' | 'this scope'; addresses: 'the person' | 'this address' } {
  const wide = widens(e, mode);
  return {
    channels: wide || e.channel === 'all' ? ['all'] : [e.channel],
    campaigns: bucket(e, mode) === 'global' ? 'all' : 'this scope',
    addresses: wide ? 'the person' : 'this address',
  };
}

/**
 * Whether `next` makes `active` irrelevant for every contact under either mode (then it
 * is marked superseded and drops out of the gate's reads). Only ever an optimisation:
 * the gate's newest-wins rule decides, so an entry that might still decide stays active.
 */
export function supersedes(next: LedgerEntry, active: LedgerEntry): boolean {
  if (next.address !== active.address) return false;
  for (const mode of ['per-channel', 'all'] as const) {
    if (bucket(next, mode) !== bucket(active, mode)) return false;
    if (!(next.channel === 'all' || widens(next, mode)) && !(active.channel === next.channel && !widens(active, mode))) return false;
    if (widens(active, mode) && !widens(next, mode)) return false;
    if (widens(active, mode) && widens(next, mode) && !(active.leadIds ?? []).every((id) => next.leadIds?.includes(id))) return false;
  }
  return true;
}
