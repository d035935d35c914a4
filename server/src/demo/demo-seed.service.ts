import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Role } from '#shared';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { LeadsService } from '../leads/leads.service.js';
import { RingPoolsService } from '../telephony/ring-pools/ring-pools.service.js';
import { UsersService } from '../users/users.service.js';
import { DemoCampaign } from './demo-campaign.js';

export const DEMO_PASSWORD = 'switchboard-demo';
export const DEMO_USERS: Array<{ email: string; name: string; role: Role }> = [
  { email: 'admin@switchboard.local', name: 'Ada Admin', role: 'admin' },
  { email: 'supervisor@switchboard.local', name: 'Sam Supervisor', role: 'supervisor' },
  { email: 'agent@switchboard.local', name: 'Alex Agent', role: 'agent' },
  { email: 'agent2@switchboard.local', name: 'Blake Agent', role: 'agent' },
];

const DEMO_POOL_NUMBERS = ['+12125550100', '+13055550100', '+14155550100', '+13125550100'];
const DEMO_LEADS = [
  { firstName: 'Grace', lastName: 'Harper', company: 'Harper Logistics', email: 'grace@example.com', phones: [{ number: '+12125550142' }] },
  { firstName: 'Miguel', lastName: 'Santos', company: 'Santos Roofing', email: 'miguel@example.com', phones: [{ number: '+13055550187' }] },
  { firstName: 'Priya', lastName: 'Raman', company: 'Raman Dental', email: 'priya@example.com', phones: [{ number: '+14155550123' }] },
  { firstName: 'Tom', lastName: 'Becker', company: 'Becker Farms', email: 'tom@example.com', phones: [{ number: '+13125550166' }] },
];

/** Seeds one user of each role, demo numbers and leads, and the demo campaign (each once) when SEED_DEMO is on, the embedded default. */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly pools: RingPoolsService,
    private readonly leads: LeadsService,
    private readonly leadRows: LeadsRepository,
    private readonly campaign: DemoCampaign,
    private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedDemo) return;
    for (const u of DEMO_USERS) {
      const created = await this.users.ensure(u.email, u.name, u.role, DEMO_PASSWORD);
      if (created) this.logger.event('info', 'demo.user.created', { email: u.email, role: u.role });
    }
    // Caller-ID numbers for the simulated carrier, and a few leads for the demo agent.
    if (!(await this.pools.list()).length) {
      await this.pools.create({ name: 'Demo numbers', strategy: 'local-presence', numbers: DEMO_POOL_NUMBERS.map((e164) => ({ e164 })) });
      this.logger.event('info', 'demo.ring-pool.created', { numbers: DEMO_POOL_NUMBERS.length });
    }
    const users = await this.users.list();
    const agent = users.find((u) => u.email === 'agent@switchboard.local');
    const admin = users.find((u) => u.email === 'admin@switchboard.local');
    if (!agent || !admin) return;
    const created = [];
    if (!(await this.leadRows.search({}, null, 1)).length) {
      for (const l of DEMO_LEADS) created.push(await this.leads.create({ ...l, ownerId: agent.id, tags: ['demo'] }));
      this.logger.event('info', 'demo.leads.created', { count: DEMO_LEADS.length });
    }
    // A campaign, once: a power-dial queue with its dispositions, a callback due soon and a follow-up task.
    const pool = (await this.pools.list())[0];
    const floor = { otherAgentIds: users.filter((u) => u.email === 'agent2@switchboard.local').map((u) => u.id), supervisorIds: users.filter((u) => u.email === 'supervisor@switchboard.local').map((u) => u.id) };
    if (pool) await this.campaign.seed(agent.id, admin.id, pool.id, created, floor);
  }
}
