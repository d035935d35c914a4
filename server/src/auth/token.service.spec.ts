import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { FixedClock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { TokenService } from './token.service.js';

const key = (secret: string) => createSecretKey(Buffer.from(secret, 'utf8'));
const config = { auth: { accessTtlSeconds: 60 } } as AppConfig;
const claims = { sub: 'u1', role: 'agent' as const, name: 'Ada', email: 'ada@example.test' };

function service(secret = 'a'.repeat(32)) {
  const clock = new FixedClock('2026-03-02T15:00:00.000Z');
  return { clock, tokens: new TokenService(new JwtService({ secret: key(secret) }), config, clock) };
}

describe('TokenService.verifyAccess', () => {
  it('a token used again keeps its verdict, and still expires on the clock', () => {
    const { clock, tokens } = service();
    const { token } = tokens.signAccess(claims);
    expect(tokens.verifyAccess(token)).toEqual(claims);
    clock.advance(59_000);
    expect(tokens.verifyAccess(token)).toEqual(claims);
    expect(tokens.verifyWithExpiry(token)?.expiresAt).toBe(Date.parse('2026-03-02T15:01:00.000Z'));
    clock.advance(1_000);
    expect(tokens.verifyAccess(token)).toBeNull();
    clock.set('2026-03-02T15:00:30.000Z');
    expect(tokens.verifyAccess(token)).toEqual(claims);
  });

  it('a changed or foreign token is refused even after the genuine one was accepted', () => {
    const { tokens } = service();
    const { token } = tokens.signAccess(claims);
    expect(tokens.verifyAccess(token)).toEqual(claims);
    const [head, body, sig] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), role: 'admin' })).toString('base64url');
    expect(tokens.verifyAccess(`${head}.${forgedBody}.${sig}`)).toBeNull();
    expect(tokens.verifyAccess(`${token}x`)).toBeNull();
    const other = service('b'.repeat(32)).tokens.signAccess(claims).token;
    expect(tokens.verifyAccess(other)).toBeNull();
  });

  it('what a caller does to the claims it got does not reach the next caller', () => {
    const { tokens } = service();
    const { token } = tokens.signAccess(claims);
    const first = tokens.verifyAccess(token)!;
    first.role = 'admin';
    expect(tokens.verifyAccess(token)).toEqual(claims);
  });
});
