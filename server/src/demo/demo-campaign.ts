import { Injectable } from '@nestjs/common';
import type { AccessClaims, LeadView } from '#shared';
import { CallbacksService } from '../callbacks/callbacks.service.js';
import { Clock } from '../common/clock.js';
import { JsonLogger } from '../common/json-logger.js';
import { DialQueuesService } from '../dialer/dial-queues.service.js';
import { DispositionsService } from '../dispositions/dispositions.service.js';
import { LeadsService } from '../leads/leads.service.js';
import { SmsTemplatesService } from '../messaging/sms-templates.service.js';
import { EnrollmentsService } from '../schedules/enrollments.service.js';
import { SchedulesService } from '../schedules/schedules.service.js';

const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'James', 'Isabella', 'Lucas', 'Mia', 'Mason', 'Amelia', 'Ethan', 'Harper', 'Logan', 'Evelyn', 'Aiden', 'Abigail', 'Jackson', 'Ella', 'Sebastian', 'Scarlett', 'Mateo'];
const LAST = ['Nguyen', 'Garcia', 'Smith', 'Johnson', 'Okafor', 'Kowalski', 'Patel', 'Rossi', 'Kim', 'Silva', 'Müller', 'Dubois'];
const COMPANIES = ['Northwind Traders', 'Blue Harbor Insurance', 'Cedar & Pine Realty', 'Summit Dental', 'Bright Path Solar', 'Urban Roots Cafe'];
/** Area codes across the US time zones (555-01xx numbers are reserved for fiction). */
const AREAS = ['212', '617', '305', '312', '512', '303', '206', '415'];

/**
 * The demo campaign the first login shows (seeded once, with SEED_DEMO): a power-dial
 * queue of two dozen leads for the demo agent on the demo numbers, with its own
 * dispositions (sale, callback, not interested, do not call); two SMS templates; a
 * callback due in a few minutes; and a follow-up schedule whose first step is a task
 * for the agent.
 */
@Injectable()
export class DemoCampaign {
  constructor(
    private readonly queues: DialQueuesService,
    private readonly dispositions: DispositionsService,
    private readonly leads: LeadsService,
    private readonly schedules: SchedulesService,
    private readonly enrollments: EnrollmentsService,
    private readonly callbacks: CallbacksService,
    private readonly smsTemplates: SmsTemplatesService,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  async seed(agentId: string, adminId: string, poolId: string, existing: LeadView[], floor: { otherAgentIds: string[]; supervisorIds: string[] } = { otherAgentIds: [], supervisorIds: [] }): Promise<void> {
    if ((await this.queues.list()).some((q) => q.name === 'Demo campaign')) return;
    const leads: LeadView[] = [];
    for (let i = 0; i < 24; i++) {
      const area = AREAS[i % AREAS.length];
      leads.push(
        await this.leads.create({
          firstName: FIRST[i],
          lastName: LAST[i % LAST.length],
          company: COMPANIES[i % COMPANIES.length],
          email: `${FIRST[i].toLowerCase()}.${i}@example.com`,
          phones: [{ number: `+1${area}55501${String(10 + i).padStart(2, '0')}` }],
          ownerId: agentId,
          tags: ['demo', 'campaign'],
        }),
      );
    }
    const queue = await this.queues.create({
      name: 'Demo campaign',
      mode: 'power',
      ringPoolId: poolId,
      agentIds: [agentId, ...floor.otherAgentIds],
      supervisorIds: floor.supervisorIds,
      retryRules: [
        { outcome: 'no-answer', retryMinutes: 30, maxAttempts: 3 },
        { outcome: 'busy', retryMinutes: 10, maxAttempts: 3 },
      ],
      machineAction: 'voicemail',
      voicemailMessage: 'Hi, this is Switchboard returning your enquiry. We will try you again later. Thank you!',
    });
    const scope = { scopeType: 'queue' as const, scopeId: queue.id };
    await this.dispositions.create({ ...scope, code: 'sale', label: 'Sale', flags: { contacted: true, humanAnswered: true, success: true, final: true } });
    // The queue's own callback takes the shipped one's code, so agents see one callback, not two that look alike.
    await this.dispositions.create({ ...scope, code: 'interested', label: 'Call back later', flags: { contacted: true, humanAnswered: true, callback: true }, callbackDelayMinutes: 60 });
    await this.dispositions.create({ ...scope, code: 'not-interested', label: 'Not interested', flags: { contacted: true, humanAnswered: true, final: true } });
    await this.dispositions.create({ ...scope, code: 'do-not-call', label: 'Do not call', flags: { contacted: true, humanAnswered: true, doNotCall: true, final: true } });
    await this.queues.addLeads(queue.id, { leadIds: leads.map((l) => l.id) });

    await this.smsTemplates.create({ name: 'Pricing follow-up', body: 'Hi {{lead.firstName | there}}, it is {{owner.name}} from Switchboard. Here is the pricing we discussed: https://example.com/pricing' });
    await this.smsTemplates.create({ name: 'Missed you', body: 'Hi {{lead.firstName | there}}, sorry we missed you. When is a good time to call?' });
    const now = this.clock.now();
    if (existing[0]) {
      await this.callbacks.book({ leadId: existing[0].id, dueAt: new Date(now.getTime() + 3 * 60_000), ownerId: agentId, note: 'Asked to be called back about pricing', origin: 'agent', createdBy: agentId });
    }
    const admin: AccessClaims = { sub: adminId, role: 'admin', email: 'admin@switchboard.local', name: 'Ada Admin' };
    const followUp = await this.schedules.create(
      {
        name: 'Demo follow-up',
        timezone: 'America/New_York',
        // Shared so the demo supervisor can run it too (schedules are their owner's alone otherwise).
        sharing: { everyone: 'edit' },
        steps: [
          { type: 'task', activation: 'manual', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, config: { title: 'Send the pricing sheet', note: 'Hi {{lead.firstName}}, here is the pricing we discussed.' } },
          { type: 'wait', timing: { kind: 'delay', amount: 1, unit: 'days' } },
          { type: 'dial', activation: 'automatic', timing: { kind: 'delay', amount: 0, unit: 'minutes' }, window: 'business_weekdays', config: { mode: 'queue', queueId: queue.id } },
        ],
      },
      admin,
    );
    if (existing[1]) await this.enrollments.enroll(followUp.id, { leadIds: [existing[1].id] }, 'api', adminId);
    this.logger.event('info', 'demo.campaign.created', { queue: queue.id, leads: leads.length, schedule: followUp.id });
  }
}
