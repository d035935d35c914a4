import { describe, expect, it } from '@jest/globals';
import { SignedTokens } from '../../common/signed-tokens.js';
import { InterestLinks } from './interest-links.js';

describe('"Still interested?" links', () => {
  const links = new InterestLinks('a-server-secret-of-some-length');
  const claim = { runId: 'r1', action: 0, answer: 'yes' as const, expiresAt: Date.parse('2026-03-09T17:00:00.000Z') };

  it('answers with the claim until it expires, then says it expired', () => {
    const token = links.token(claim);
    expect(links.check(token, new Date('2026-03-09T16:59:59.000Z'))).toEqual({ ok: true, claim });
    expect(links.check(token, new Date('2026-03-09T17:00:01.000Z'))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a changed answer, another key, another purpose\'s token and garbage', () => {
    const token = links.token(claim);
    const [body, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), a: 'no' })).toString('base64url');
    const at = new Date('2026-03-02T17:00:00.000Z');
    expect(links.check(`${forged}.${mac}`, at)).toEqual({ ok: false, reason: 'invalid' });
    expect(new InterestLinks('another-secret-entirely').check(token, at)).toEqual({ ok: false, reason: 'invalid' });
    const unsubscribe = new SignedTokens('a-server-secret-of-some-length', 'unsubscribe-links').seal({ r: 'r1', i: 0, a: 'yes', x: claim.expiresAt });
    expect(links.check(unsubscribe, at)).toEqual({ ok: false, reason: 'invalid' });
    expect(links.check('not-a-token', at)).toEqual({ ok: false, reason: 'invalid' });
    expect(links.check(`${token}.extra`, at)).toEqual({ ok: false, reason: 'invalid' });
  });
});
