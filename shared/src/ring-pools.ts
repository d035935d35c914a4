export const CALLER_ID_STRATEGIES = ['round-robin', 'least-used', 'local-presence'] as const;
export type CallerIdStrategy = (typeof CALLER_ID_STRATEGIES)[number];

export interface PoolNumberView {
  id: string;
  e164: string;
  carrierSid: string | null;
  voice: boolean;
  sms: boolean;
  region: string | null;
  areaCode: string | null;
  status: 'active' | 'quarantined' | 'disabled';
  quarantinedUntil: string | null;
  quarantineReason: string | null;
  lastUsedAt: string | null;
}

export interface RingPoolView {
  id: string;
  name: string;
  strategy: CallerIdStrategy;
  dailyCallCap: number;
  dailySmsCap: number;
  quarantine: { enabled: boolean; minCalls: number; ratioPct: number; coolDownHours: number };
  active: boolean;
  numbers: PoolNumberView[];
  createdAt: string;
}

export interface PoolNumberHealth extends PoolNumberView {
  today: { calls: number; answered: number; sms: number };
  /** Answer rate today and yesterday, and over the 28 days before. */
  recentAnswerRate: number | null;
  baselineAnswerRate: number | null;
  usable: { call: string | null; sms: string | null };
}

export interface RingPoolHealth {
  poolId: string;
  day: string;
  remainingToday: { calls: number; sms: number };
  numbers: PoolNumberHealth[];
}

export type PoolPickView =
  | { ok: true; number: PoolNumberView; why: string }
  | { ok: false; code: 'POOL_EXHAUSTED' | 'POOL_EMPTY' | 'POOL_INACTIVE'; message: string; numbers: Array<{ e164: string; reason: string }> };
