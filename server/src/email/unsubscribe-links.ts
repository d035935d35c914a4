import { Injectable } from '@nestjs/common';
import { SignedTokens } from '../common/signed-tokens.js';
import { AppConfig } from '../config/app-config.js';

export interface UnsubscribeClaim {
  email: string;
  /** The schedule the email came from (its scope is noted), or null. */
  scheduleId: string | null;
}

/**
 * Signed unsubscribe links: base64url(JSON claim) + '.' + HMAC-SHA256 over it with a
 * key derived from the server's secret. They never expire: an unsubscribe link must
 * keep working for as long as the email exists.
 */
@Injectable()
export class UnsubscribeLinks {
  private readonly tokens: SignedTokens;

  constructor(config: AppConfig) {
    this.tokens = new SignedTokens(config.auth.jwtSecret, 'unsubscribe-links');
  }

  token(claim: UnsubscribeClaim): string {
    return this.tokens.seal({ e: claim.email.toLowerCase(), s: claim.scheduleId });
  }

  url(claim: UnsubscribeClaim, base: string): string {
    return `${base}/api/unsubscribe/${this.token(claim)}`;
  }

  /** The claim, or null if the token was not made by us. */
  verify(token: string): UnsubscribeClaim | null {
    const c = this.tokens.open(token);
    if (!c || typeof c.e !== 'string' || !c.e.includes('@')) return null;
    return { email: c.e, scheduleId: typeof c.s === 'string' ? c.s : null };
  }
}
