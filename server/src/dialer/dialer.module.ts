import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { CallbacksModule } from '../callbacks/callbacks.module.js';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { DialFigures } from './dial-figures.js';
import { DialIntakeModule } from './dial-intake.js';
import { DialerItemsController, DialQueuesController } from './dial-queues.controller.js';
import { DialQueuesService } from './dial-queues.service.js';
import { Dialer } from './dialer.service.js';
import { QueueStatsPush } from './queue-stats.push.js';
import { QueueWorkSource } from './queue-work-source.js';

/** Power-dial queues: intake, reservation, pacing, bridging answered calls, outcomes and the live figures. */
@Module({
  imports: [DialIntakeModule, LeadsModule, ComplianceModule, SettingsModule, TelephonyModule, CallbacksModule, RealtimeModule, AgentsModule],
  controllers: [DialQueuesController, DialerItemsController],
  providers: [DialFigures, Dialer, DialQueuesService, QueueStatsPush, QueueWorkSource],
  exports: [Dialer, DialQueuesService],
})
export class DialerModule {}
