import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/**
 * A refresh token, stored only as a SHA-256 hash. Tokens rotate on use: the old
 * one is revoked and points at its successor; presenting a revoked token revokes
 * its whole family (a stolen token used twice is detected).
 */
@Entity('refresh_tokens')
@Index('ix_refresh_tokens_user', ['userId'])
export class RefreshTokenEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'user_id' })
  userId: string;

  @RefColumn({ name: 'family_id' })
  familyId: string;

  @Index('uq_refresh_tokens_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @InstantColumn({ name: 'expires_at' })
  expiresAt: Date;

  @InstantColumn({ name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @RefColumn({ name: 'replaced_by', nullable: true })
  replacedBy: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;
}
