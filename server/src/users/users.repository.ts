import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, type Repository } from 'typeorm';
import { UserEntity } from './user.entity.js';

/** A user as stored, for the rooms that read users through this port. */
export type User = UserEntity;

/** Persistence port for users. */
export abstract class UsersRepository {
  abstract findById(id: string): Promise<UserEntity | null>;
  /** Several users in one statement; ids with no user are absent. */
  abstract findByIds(ids: string[]): Promise<UserEntity[]>;
  /** Of these ids, those of active users, in one statement. */
  abstract activeIds(ids: string[]): Promise<string[]>;
  abstract findByEmail(email: string): Promise<UserEntity | null>;
  abstract list(): Promise<UserEntity[]>;
  /** Active users holding any of these roles, by name. */
  abstract listActive(roles: Array<UserEntity['role']>): Promise<UserEntity[]>;
  /** Whether any user holds this role (active or not). */
  abstract anyWithRole(role: UserEntity['role']): Promise<boolean>;
  abstract insert(user: UserEntity): Promise<void>;
  abstract update(id: string, patch: Partial<Omit<UserEntity, 'id'>>): Promise<void>;
  /**
   * A subquery of the active users (`id`, `name`, `created_at`, optionally of one role),
   * for another room's statement that must read them in its own snapshot.
   */
  activeUsersSubquery(role?: UserEntity['role']): string {
    if (role !== undefined && !/^[a-z_]+$/.test(role)) throw new Error(`not a role: ${role}`);
    return `SELECT id, name, created_at FROM users WHERE active = true${role ? ` AND role = '${role}'` : ''}`;
  }
}

@Injectable()
export class TypeormUsersRepository extends UsersRepository {
  private readonly repo: Repository<UserEntity>;

  constructor(@InjectDataSource() ds: DataSource) {
    super();
    this.repo = ds.getRepository(UserEntity);
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<UserEntity[]> {
    return ids.length ? this.repo.findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  async activeIds(ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    return (await this.repo.find({ select: { id: true }, where: { id: In([...new Set(ids)]), active: true } })).map((u) => u.id);
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ email: email.toLowerCase() });
  }

  list(): Promise<UserEntity[]> {
    return this.repo.find({ order: { role: 'ASC', email: 'ASC' } });
  }

  listActive(roles: Array<UserEntity['role']>): Promise<UserEntity[]> {
    return this.repo.find({ where: { active: true, role: In(roles) }, order: { name: 'ASC' } });
  }

  async anyWithRole(role: UserEntity['role']): Promise<boolean> {
    return (await this.repo.count({ where: { role }, take: 1 })) > 0;
  }

  async insert(user: UserEntity): Promise<void> {
    // A copy: TypeORM writes raw generated values back into the object it inserts.
    await this.repo.insert({ ...user });
  }

  async update(id: string, patch: Partial<Omit<UserEntity, 'id'>>): Promise<void> {
    await this.repo.update({ id }, patch);
  }
}

/**
 * Inside a caller's transaction: the id of the active user with this id or email, if any
 * (a step's owner named in a lead's field). Read through `em` because the embedded
 * database serves no other connection while a transaction is open.
 */
export async function activeUserIdIn(em: EntityManager, key: { id: string } | { email: string }): Promise<string | null> {
  const where = 'id' in key ? { id: key.id } : { email: key.email.toLowerCase() };
  const user = await em.getRepository(UserEntity).findOne({ select: { id: true, active: true }, where });
  return user?.active ? user.id : null;
}
