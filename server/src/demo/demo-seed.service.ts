import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Role } from '../../../shared/src/index.js';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';

export const DEMO_PASSWORD = 'switchboard-demo';
export const DEMO_USERS: Array<{ email: string; name: string; role: Role }> = [
  { email: 'admin@switchboard.local', name: 'Ada Admin', role: 'admin' },
  { email: 'supervisor@switchboard.local', name: 'Sam Supervisor', role: 'supervisor' },
  { email: 'agent@switchboard.local', name: 'Alex Agent', role: 'agent' },
];

/** Seeds one user of each role (idempotent) when SEED_DEMO is on, the embedded default. */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemo) return;
    for (const u of DEMO_USERS) {
      const created = await this.users.ensure(u.email, u.name, u.role, DEMO_PASSWORD);
      if (created) this.logger.event('info', 'demo.user.created', { email: u.email, role: u.role });
    }
  }
}
