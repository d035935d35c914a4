import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
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
  private readonly key: Buffer;

  constructor(private readonly config: AppConfig) {
    this.key = createHmac('sha256', config.auth.jwtSecret).update('unsubscribe-links').digest();
  }

  token(claim: UnsubscribeClaim): string {
    const body = Buffer.from(JSON.stringify({ e: claim.email.toLowerCase(), s: claim.scheduleId })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  url(claim: UnsubscribeClaim, base: string): string {
    return `${base}/api/unsubscribe/${this.token(claim)}`;
  }

  /** The claim, or null if the token was not made by us. */
  verify(token: string): UnsubscribeClaim | null {
    const [body, mac] = token.split('.');
    if (!body || !mac) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const c = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { e?: unknown; s?: unknown };
      if (typeof c.e !== 'string' || !c.e.includes('@')) return null;
      return { email: c.e, scheduleId: typeof c.s === 'string' ? c.s : null };
    } catch {
      return null;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
