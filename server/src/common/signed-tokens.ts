import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Tokens for links in messages: base64url(JSON claim) + '.' + HMAC-SHA256 over it with a
 * purpose-bound key, so a token for one purpose never passes as another's. `open`
 * returns the claim only when the MAC matches.
 */
export class SignedTokens {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = createHmac('sha256', secret).update(purpose).digest();
  }

  seal(claim: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(claim)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  open(token: string): Record<string, unknown> | null {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claim = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
      return claim && typeof claim === 'object' && !Array.isArray(claim) ? (claim as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
