import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ErrorCode, type Role, type UserView, withImplied } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { DomainError } from '../common/domain-error.js';
import type { CreateUserDto, UpdateUserDto } from './dto/user.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { permissionsOf } from './permissions.js';
import type { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

export function toUserView(user: UserEntity): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    permissions: permissionsOf(user),
    customPermissions: user.permissions !== null,
    active: user.active,
    createdAt: user.createdAt.toISOString(),
  };
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(toUserView);
  }

  async get(id: string): Promise<UserView> {
    const user = await this.users.findById(id);
    if (!user) throw DomainError.notFound('User');
    return toUserView(user);
  }

  async create(input: CreateUserDto): Promise<UserView> {
    const email = input.email.trim().toLowerCase();
    if (await this.users.findByEmail(email)) {
      throw new DomainError(ErrorCode.Conflict, `email: ${email} is already registered`, [{ field: 'email', message: 'is already registered' }]);
    }
    const now = this.clock.now();
    const user: UserEntity = {
      id: randomUUID(),
      email,
      name: input.name.trim(),
      role: input.role,
      permissions: input.permissions ? JSON.stringify(withImplied(input.permissions)) : null,
      passwordHash: await this.hasher.hash(input.password),
      active: true,
      createdAt: now,
      updatedAt: now,
    };
    await this.users.insert(user);
    return toUserView(user);
  }

  /** Creates the user unless one with that email exists; returns whether it was created. */
  async ensure(email: string, name: string, role: Role, password: string): Promise<boolean> {
    if (await this.users.findByEmail(email)) return false;
    await this.create({ email, name, role, password });
    return true;
  }

  async update(id: string, input: UpdateUserDto, actorId: string): Promise<UserView> {
    const user = await this.users.findById(id);
    if (!user) throw DomainError.notFound('User');
    if (id === actorId && (input.active === false || (input.role && input.role !== user.role))) {
      throw new DomainError(ErrorCode.Conflict, 'You cannot deactivate yourself or change your own role');
    }
    const patch: Partial<UserEntity> = { updatedAt: this.clock.now() };
    if (input.name !== undefined) patch.name = input.name.trim();
    if (input.role !== undefined) patch.role = input.role;
    if (input.active !== undefined) patch.active = input.active;
    // null hands the user back to the role's defaults.
    if (input.permissions !== undefined) patch.permissions = input.permissions === null ? null : JSON.stringify(withImplied(input.permissions));
    if (input.password !== undefined) patch.passwordHash = await this.hasher.hash(input.password);
    await this.users.update(id, patch);
    if (input.active === false && user.active) await this.events.emit('user.deactivated', { userId: id });
    return this.get(id);
  }
}
