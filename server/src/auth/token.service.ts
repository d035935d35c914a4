import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isRole, type AccessClaims } from '#shared';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';

/** How many verified tokens are remembered: about one per signed-in user, the oldest forgotten first. */
const VERIFIED_MAX = 5_000;

interface Verified {
  claims: AccessClaims;
  /** Epoch seconds, as in the token. */
  exp: number;
  nbf: number | null;
}

/** Signs and verifies access tokens (HS256 JWT, with the module's key made from JWT_SECRET) against the injected clock. */
@Injectable()
export class TokenService {
  /**
   * Tokens whose signature and claims were checked, by their exact text. A token's signature
   * never changes its verdict and the key is fixed for the process, so only the time checks
   * are repeated on each use; every instance keeps its own, and no revocation is lost because
   * access tokens have none (they expire).
   */
  private readonly verified = new Map<string, Verified>();

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
    const now = this.nowSeconds();
    const known = this.verified.get(token);
    if (known) {
      // The token library's own time checks: expired at `exp`, not valid before `nbf`.
      if (now >= known.exp || (known.nbf !== null && known.nbf > now)) return null;
      return { claims: { ...known.claims }, expiresAt: known.exp * 1000 };
    }
    try {
      const payload = this.jwt.verify<AccessClaims & { iat: number; exp: number; nbf?: number }>(token, {
        algorithms: ['HS256'],
        issuer: 'switchboard',
        audience: 'switchboard',
        clockTimestamp: now,
      });
      if (typeof payload.sub !== 'string' || !isRole(payload.role)) return null;
      const claims: AccessClaims = { sub: payload.sub, role: payload.role, name: payload.name, email: payload.email };
      if (typeof payload.sid === 'string') claims.sid = payload.sid;
      if (typeof payload.exp === 'number') {
        if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value as string);
        this.verified.set(token, { claims: { ...claims }, exp: payload.exp, nbf: typeof payload.nbf === 'number' ? payload.nbf : null });
      }
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
