import { SignedTokens } from '../../common/signed-tokens.js';

/**
 * What a "Still interested?" link carries: the automation firing that sent it (so whose
 * stay on which step, and what the answer does), which of its actions, the answer, and
 * until when it counts.
 */
export interface InterestClaim {
  runId: string;
  /** The notify action's place in the automation. */
  action: number;
  answer: 'yes' | 'no';
  /** Epoch ms after which the link answers that it expired. */
  expiresAt: number;
}

export type InterestCheck = { ok: true; claim: InterestClaim } | { ok: false; reason: 'invalid' | 'expired' };

/** Signed "Still interested?" yes/no links that expire (pure apart from the key). */
export class InterestLinks {
  private readonly tokens: SignedTokens;

  constructor(secret: string) {
    this.tokens = new SignedTokens(secret, 'interest-links');
  }

  token(c: InterestClaim): string {
    return this.tokens.seal({ r: c.runId, i: c.action, a: c.answer, x: c.expiresAt });
  }

  check(token: string, now: Date): InterestCheck {
    const c = this.tokens.open(token);
    if (!c || typeof c.r !== 'string' || !Number.isInteger(c.i) || (c.a !== 'yes' && c.a !== 'no') || typeof c.x !== 'number') return { ok: false, reason: 'invalid' };
    if (now.getTime() > c.x) return { ok: false, reason: 'expired' };
    return { ok: true, claim: { runId: c.r, action: c.i as number, answer: c.a, expiresAt: c.x } };
  }
}
