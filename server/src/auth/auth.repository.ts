import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThan, MoreThan } from 'typeorm';
import { LoginFailureEntity } from './login-attempt.entity.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';

/** Persistence port for refresh tokens and the login-failure window. */
export abstract class AuthRepository {
  abstract insertRefreshToken(token: RefreshTokenEntity): Promise<void>;
  abstract findRefreshTokenByHash(hash: string): Promise<RefreshTokenEntity | null>;
  /**
   * Revokes `id` and points it at its successor, only if it is still live.
   * Returns false when another request rotated it first.
   */
  abstract rotateRefreshToken(id: string, successor: RefreshTokenEntity, at: Date): Promise<boolean>;
  abstract revokeFamily(familyId: string, at: Date): Promise<void>;
  abstract revokeAllForUser(userId: string, at: Date): Promise<void>;

  abstract recordLoginFailure(failure: LoginFailureEntity): Promise<void>;
  /** Failures since `since` for the email and for the IP, and the oldest of each. */
  abstract loginFailuresSince(email: string, ip: string, since: Date): Promise<{ byEmail: Date[]; byIp: Date[] }>;
  abstract clearLoginFailures(email: string): Promise<void>;
  /** Drops an account's failures that have left the window. */
  abstract pruneLoginFailures(email: string, before: Date): Promise<void>;
}

@Injectable()
export class TypeormAuthRepository extends AuthRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  async insertRefreshToken(token: RefreshTokenEntity): Promise<void> {
    await this.ds.getRepository(RefreshTokenEntity).insert(token);
  }

  findRefreshTokenByHash(hash: string): Promise<RefreshTokenEntity | null> {
    return this.ds.getRepository(RefreshTokenEntity).findOneBy({ tokenHash: hash });
  }

  rotateRefreshToken(id: string, successor: RefreshTokenEntity, at: Date): Promise<boolean> {
    return this.ds.transaction(async (em) => {
      // Every query inside goes through `em`: on the embedded database a query on
      // another pooled connection would wait for this transaction forever.
      const result = await em
        .createQueryBuilder()
        .update(RefreshTokenEntity)
        .set({ revokedAt: at, replacedBy: successor.id })
        .where('id = :id AND revoked_at IS NULL', { id })
        .execute();
      if (!result.affected) return false;
      await em.getRepository(RefreshTokenEntity).insert(successor);
      return true;
    });
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.ds.getRepository(RefreshTokenEntity).update({ familyId, revokedAt: IsNull() }, { revokedAt: at });
  }

  async revokeAllForUser(userId: string, at: Date): Promise<void> {
    await this.ds.getRepository(RefreshTokenEntity).update({ userId, revokedAt: IsNull() }, { revokedAt: at });
  }

  async recordLoginFailure(failure: LoginFailureEntity): Promise<void> {
    await this.ds.getRepository(LoginFailureEntity).insert(failure);
  }

  async loginFailuresSince(email: string, ip: string, since: Date): Promise<{ byEmail: Date[]; byIp: Date[] }> {
    const repo = this.ds.getRepository(LoginFailureEntity);
    const [byEmail, byIp] = await Promise.all([
      repo.find({ where: { email, at: MoreThan(since) }, order: { at: 'ASC' }, select: { at: true } }),
      repo.find({ where: { ip, at: MoreThan(since) }, order: { at: 'ASC' }, select: { at: true } }),
    ]);
    return { byEmail: byEmail.map((r) => r.at), byIp: byIp.map((r) => r.at) };
  }

  async clearLoginFailures(email: string): Promise<void> {
    await this.ds.getRepository(LoginFailureEntity).delete({ email });
  }

  async pruneLoginFailures(email: string, before: Date): Promise<void> {
    await this.ds.getRepository(LoginFailureEntity).delete({ email, at: LessThan(before) });
  }
}
