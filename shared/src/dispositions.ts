/** Dispositions: how an agent sums up a call or message, and what that sets off. */

export const DISPOSITION_FLAGS = ['contacted', 'humanAnswered', 'success', 'doNotCall', 'callback', 'exitSchedule', 'final'] as const;
export type DispositionFlag = (typeof DISPOSITION_FLAGS)[number];
export type DispositionFlags = Record<DispositionFlag, boolean>;

export type DispositionScope = { type: 'account' } | { type: 'queue' | 'schedule'; id: string };

export interface DispositionView {
  /** null for a shipped default no one has edited. */
  id: string | null;
  scope: DispositionScope;
  code: string;
  label: string;
  flags: DispositionFlags;
  actionGroupId: string | null;
  /** With the callback flag: book the callback this many minutes later unless the agent picks a time. */
  callbackDelayMinutes: number | null;
  position: number;
  active: boolean;
}

export interface DispositionChangeView {
  id: string;
  conversationId: string;
  from: string | null;
  to: string;
  actorId: string | null;
  at: string;
  /** What the disposition set off: opt-out, callback, schedule exit, queue end, agent ready… */
  effects: string[];
}
