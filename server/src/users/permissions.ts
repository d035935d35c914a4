import { Injectable } from '@nestjs/common';
import { type AccessClaims, ErrorCode, type Permission, ROLE_PERMISSIONS, withImplied } from '#shared';
import { DomainError } from '../common/domain-error.js';
import type { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

/** The user's own list when an admin gave one, else the role's defaults; with what each implies. */
export function permissionsOf(user: Pick<UserEntity, 'role' | 'permissions'>): Permission[] {
  const own = user.permissions ? (JSON.parse(user.permissions) as Permission[]) : null;
  return withImplied(own ?? ROLE_PERMISSIONS[user.role] ?? []);
}

/**
 * Permissions are read from the user's row on each request that needs them, so a change
 * applies at once (tokens carry only the role).
 */
@Injectable()
export class Permissions {
  constructor(private readonly users: UsersRepository) {}

  async of(actor: Pick<AccessClaims, 'sub'>): Promise<Set<Permission>> {
    const user = await this.users.findById(actor.sub);
    return new Set(user?.active ? permissionsOf(user) : []);
  }

  /** Throws 403 naming the permission unless the user holds it; returns all they hold. */
  async demand(actor: Pick<AccessClaims, 'sub'>, permission: Permission): Promise<Set<Permission>> {
    const held = await this.of(actor);
    if (!held.has(permission)) throw new DomainError(ErrorCode.Forbidden, `This needs the permission ${permission}`);
    return held;
  }
}
