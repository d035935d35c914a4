import { randomBytes } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { ErrorCode } from '#shared';
import { DomainError } from '../common/domain-error.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** What the start banner says about the first admin: made now, and with which generated password. */
export interface FirstAdminCreated {
  email: string;
  /** Set only when the server generated it: shown once, on this start, and never logged. */
  generatedPassword: string | null;
}

/**
 * The first admin of a server without the demo: created at start when no admin exists,
 * from ADMIN_EMAIL and ADMIN_PASSWORD, or with a generated password shown once on the
 * console (never in the JSON log). Instances starting together on an empty database make
 * one: the email is unique, and the one that loses the race shows nothing.
 */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private made: FirstAdminCreated | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly repo: UsersRepository,
    private readonly logger: JsonLogger,
  ) {}

  /** The admin this start created, if it created one. */
  get created(): FirstAdminCreated | null {
    return this.made;
  }

  async onApplicationBootstrap(): Promise<void> {
    const wanted = this.config.firstAdmin;
    if (!wanted) return;
    if (await this.repo.anyWithRole('admin')) return;
    const password = wanted.password ?? randomBytes(18).toString('base64url');
    let created: boolean;
    try {
      created = await this.users.ensure(wanted.email, 'Administrator', 'admin', password);
    } catch (e) {
      // Another instance starting beside this one made the user between our check and insert.
      if (!isUniqueViolation(e) && !(e instanceof DomainError && e.code === ErrorCode.Conflict)) throw e;
      created = false;
    }
    if (!created) {
      if (await this.repo.anyWithRole('admin')) return; // another instance made the admin a moment ago
      this.logger.event('warn', 'admin.first.email-taken', { email: wanted.email, message: 'no admin exists and this email belongs to another user; set ADMIN_EMAIL to a new address' });
      return;
    }
    this.made = { email: wanted.email, generatedPassword: wanted.password ? null : password };
    this.logger.event('info', 'admin.first.created', { email: wanted.email, passwordFrom: wanted.password ? 'ADMIN_PASSWORD' : 'generated' });
  }
}
