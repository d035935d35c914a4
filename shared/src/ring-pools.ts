/** How a ring pool chooses the caller ID for a contact. */
export const CALLER_ID_STRATEGIES = ['round-robin', 'least-used', 'local-presence'] as const;
export type CallerIdStrategy = (typeof CALLER_ID_STRATEGIES)[number];

export const POOL_CHANNELS = ['call', 'sms'] as const;
export type PoolChannel = (typeof POOL_CHANNELS)[number];

export const POOL_NUMBER_STATUSES = ['active', 'quarantined', 'disabled'] as const;
export type PoolNumberStatus = (typeof POOL_NUMBER_STATUSES)[number];

export interface PoolNumberView {
  id: string;
  e164: string;
  carrierSid: string | null;
  voice: boolean;
  sms: boolean;
  /** `US-FL`: given, or derived from the area code. */
  region: string | null;
  areaCode: string | null;
  /** `quarantined` only while the quarantine holds: once `quarantinedUntil` has passed the number is `active` again. */
  status: PoolNumberStatus;
  /** The latest quarantine, if any: when it ends (or ended) and why it was imposed. */
  quarantinedUntil: string | null;
  quarantineReason: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface RingPoolView {
  id: string;
  name: string;
  strategy: CallerIdStrategy;
  /** Calls, and texts, each number may send per local day of the account's time zone. */
  dailyCallCap: number;
  dailySmsCap: number;
  quarantine: { enabled: boolean; minCalls: number; ratioPct: number; coolDownHours: number };
  active: boolean;
  numbers: PoolNumberView[];
  createdAt: string;
  updatedAt: string;
}

/** Calls placed and answered over a span of local days (inclusive). */
export interface AnswerWindowView {
  from: string;
  to: string;
  calls: number;
  answered: number;
  /** answered / calls; null with no calls. */
  rate: number | null;
}

export interface PoolNumberHealth extends PoolNumberView {
  today: { calls: number; answered: number; sms: number };
  /** What the number may still send today: 0 on a channel it cannot use now. */
  remaining: { calls: number; sms: number };
  /** Today and yesterday. */
  recent: AnswerWindowView;
  /** The 28 days before the recent window. */
  baseline: AnswerWindowView;
  /** Why the number cannot be used now on each channel; null when it can. */
  usable: { call: string | null; sms: string | null };
}

export interface RingPoolHealth {
  poolId: string;
  /** Today in the account's time zone: the day the caps count. */
  day: string;
  caps: { calls: number; sms: number };
  /** What the pool can still send today, summed over its usable numbers. */
  remainingToday: { calls: number; sms: number };
  numbers: PoolNumberHealth[];
}

export const POOL_REFUSAL_CODES = ['POOL_EXHAUSTED', 'POOL_EMPTY', 'POOL_INACTIVE'] as const;
export type PoolRefusalCode = (typeof POOL_REFUSAL_CODES)[number];

/** No number can be used: why, number by number (an answer, never an exception). */
export interface PoolPickRefusal {
  ok: false;
  code: PoolRefusalCode;
  message: string;
  numbers: Array<{ e164: string; reason: string }>;
  /** When a number of the pool can be used again by itself (the next day's caps, a quarantine's end); null when none will. */
  availableAt?: string | null;
}

/** The caller ID chosen for a contact and why, or why none could be. */
export type PoolPickView = { ok: true; number: PoolNumberView; why: string } | PoolPickRefusal;
