import { Column, Entity, Index } from 'typeorm';
import type { Role } from '#shared';
import { IdColumn, InstantColumn } from '../database/columns.js';

@Entity('users')
export class UserEntity {
  @IdColumn()
  id: string;

  @Index('uq_users_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  /** JSON array of permissions given to this user; null → the role's defaults. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  permissions: string | null;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}
