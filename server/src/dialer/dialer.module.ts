import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { CallbacksModule } from '../callbacks/callbacks.module.js';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { UsersModule } from '../users/users.module.js';
import { DialCalls } from './dial-calls.service.js';
import { DialBurstsRepository } from './dial-bursts.repository.js';
import { DialIntakeModule } from './dial-intake.js';
import { DialItemMoves } from './dial-item-moves.service.js';
import { DialPacer } from './dial-pacer.service.js';
import { DialerItemsController, DialQueuesController, ImportPenetrationController } from './dial-queues.controller.js';
import { DialQueuesService } from './dial-queues.service.js';
import { DialPenetrationRepository } from './dial-penetration.repository.js';
import { DialRecyclesRepository } from './dial-recycles.repository.js';
import { DialRecycling } from './dial-recycling.service.js';
import { ListPenetration } from './list-penetration.service.js';
import { DialReservations } from './dial-reservations.service.js';
import { PacingFigures } from './pacing-figures.js';
import { QueueWorkSource } from './queue-work-source.js';

/**
 * Power-dial queues: intake, the pacer, reservations with the gate, calls (placing,
 * bridging, outcomes) and item moves. The supervisors' figures read it from `supervision/`.
 */
@Module({
  imports: [DialIntakeModule, LeadsModule, ComplianceModule, SettingsModule, TelephonyModule, CallbacksModule, RealtimeModule, AgentsModule, UsersModule],
  controllers: [DialQueuesController, DialerItemsController, ImportPenetrationController],
  providers: [DialRecyclesRepository, DialPenetrationRepository, ListPenetration, DialRecycling, DialBurstsRepository, DialItemMoves, DialReservations, DialCalls, PacingFigures, DialPacer, DialQueuesService, QueueWorkSource],
  exports: [DialIntakeModule, DialPacer, DialReservations, DialCalls, DialItemMoves, DialQueuesService],
})
export class DialerModule {}
