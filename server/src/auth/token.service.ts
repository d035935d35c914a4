import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isRole, type AccessClaims } from '#shared';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';

/** Signs and verifies access tokens (HS256 JWT, with the module's key made from JWT_SECRET) against the injected clock. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  signAccess(claims: AccessClaims): { token: string; expiresIn: number } {
    const expiresIn = this.config.auth.accessTtlSeconds;
    const token = this.jwt.sign(
      { ...claims, iat: this.nowSeconds() },
      { expiresIn, algorithm: 'HS256', issuer: 'switchboard', audience: 'switchboard' },
    );
    return { token, expiresIn };
  }

  /** Returns the claims, or null when the token is malformed, forged or expired. */
  verifyAccess(token: string): AccessClaims | null {
    return this.verifyWithExpiry(token)?.claims ?? null;
  }

  /** The claims with the token's expiry (epoch ms), or null. */
  verifyWithExpiry(token: string): { claims: AccessClaims; expiresAt: number } | null {
    try {
      const payload = this.jwt.verify<AccessClaims & { iat: number; exp: number }>(token, {
        algorithms: ['HS256'],
        issuer: 'switchboard',
        audience: 'switchboard',
        clockTimestamp: this.nowSeconds(),
      });
      if (typeof payload.sub !== 'string' || !isRole(payload.role)) return null;
      const claims: AccessClaims = { sub: payload.sub, role: payload.role, name: payload.name, email: payload.email };
      if (typeof payload.sid === 'string') claims.sid = payload.sid;
      return { claims, expiresAt: payload.exp * 1000 };
    } catch {
      return null;
    }
  }

  newRefreshSecret(): { token: string; hash: string } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: TokenService.hashRefresh(token) };
  }

  static hashRefresh(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }
}
