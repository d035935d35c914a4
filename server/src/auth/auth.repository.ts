import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity.js';

/** Persistence port for refresh tokens. */
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
}
