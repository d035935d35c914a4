import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ErrorCode, type LoginResponse, type TokenPair } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { DomainError } from '../common/domain-error.js';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { type User, UsersRepository } from '../users/users.repository.js';
import { toUserView } from '../users/users.service.js';
import { AuthRepository } from './auth.repository.js';
import { LoginThrottle } from './login-throttle.service.js';
import { TokenService } from './token.service.js';

@Injectable()
export class AuthService {
  /** Verifying against this keeps the timing of "no such user" like that of "wrong password". */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UsersRepository,
    private readonly auth: AuthRepository,
    private readonly tokens: TokenService,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
    private readonly events: DomainEvents,
    private readonly throttle: LoginThrottle,
  ) {}

  /** `ip` is the client's address as Express sees it (trust proxy applied). */
  async login(emailInput: string, password: string, ip: string | undefined): Promise<LoginResponse> {
    const email = emailInput.trim().toLowerCase();
    const attempt = await this.throttle.admit(email, ip);

    const user = await this.users.findByEmail(email);
    const ok = user
      ? await this.hasher.verify(user.passwordHash, password)
      : await this.hasher.verify(await (this.dummyHash ??= this.hasher.hash(randomUUID())), password).then(() => false);
    if (!user || !ok || !user.active) {
      // The attempt is already counted as a failure by the throttle.
      this.logger.event('warn', 'auth.login.failed', { email, ip, reason: !user ? 'unknown-user' : !ok ? 'bad-password' : 'inactive' });
      throw new DomainError(ErrorCode.InvalidCredentials, 'Email or password is incorrect');
    }
    await this.throttle.succeeded(attempt);
    this.logger.event('info', 'auth.login.succeeded', { userId: user.id });
    return { ...(await this.issue(user, randomUUID())), user: toUserView(user) };
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const now = this.clock.now();
    const stored = await this.auth.findRefreshTokenByHash(TokenService.hashRefresh(refreshToken));
    const invalid = () => new DomainError(ErrorCode.InvalidRefreshToken, 'The refresh token is invalid, expired or revoked; sign in again');
    if (!stored) throw invalid();
    if (stored.revokedAt) {
      // A rotated token presented again: it may have been stolen. End the whole session.
      await this.auth.revokeFamily(stored.familyId, now);
      await this.events.emit('session.revoked', { userId: stored.userId, sessionId: stored.familyId });
      this.logger.event('warn', 'auth.refresh.reuse', { userId: stored.userId, familyId: stored.familyId });
      throw invalid();
    }
    if (stored.expiresAt.getTime() <= now.getTime()) throw invalid();
    const user = await this.users.findById(stored.userId);
    if (!user || !user.active) {
      await this.auth.revokeFamily(stored.familyId, now);
      throw invalid();
    }
    const next = this.newRefresh(user.id, stored.familyId, now);
    if (!(await this.auth.rotateRefreshToken(stored.id, next.entity, now))) throw invalid();
    return this.pair(user, next.token, next.entity.expiresAt, stored.familyId);
  }

  async logout(refreshToken: string): Promise<void> {
    const stored = await this.auth.findRefreshTokenByHash(TokenService.hashRefresh(refreshToken));
    if (!stored) return;
    await this.auth.revokeFamily(stored.familyId, this.clock.now());
    // Open sockets of this session close now, not when their access token runs out.
    await this.events.emit('session.revoked', { userId: stored.userId, sessionId: stored.familyId });
  }

  private async issue(user: User, familyId: string): Promise<TokenPair> {
    const now = this.clock.now();
    const refresh = this.newRefresh(user.id, familyId, now);
    await this.auth.insertRefreshToken(refresh.entity);
    return this.pair(user, refresh.token, refresh.entity.expiresAt, familyId);
  }

  private newRefresh(userId: string, familyId: string, now: Date) {
    const secret = this.tokens.newRefreshSecret();
    const entity = {
      id: randomUUID(),
      userId,
      familyId,
      tokenHash: secret.hash,
      expiresAt: new Date(now.getTime() + this.config.auth.refreshTtlSeconds * 1000),
      revokedAt: null,
      replacedBy: null,
      createdAt: now,
    };
    return { token: secret.token, entity };
  }

  private pair(user: User, refreshToken: string, refreshExpiresAt: Date, sessionId: string): TokenPair {
    const access = this.tokens.signAccess({ sub: user.id, role: user.role, name: user.name, email: user.email, sid: sessionId });
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken, refreshExpiresAt: refreshExpiresAt.toISOString() };
  }
}
