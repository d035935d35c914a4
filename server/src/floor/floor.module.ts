import { Module } from '@nestjs/common';
import { DialerModule } from '../dialer/dialer.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { UsersModule } from '../users/users.module.js';
import { CallUpdatesPush } from './call-updates.push.js';
import { FloorController } from './floor.controller.js';
import { FloorRulesService } from './floor-rules.service.js';
import { Monitoring } from './monitoring.service.js';
import { Transfers } from './transfers.service.js';
import { CallRecordings } from './recording.service.js';
import { AgentsModule } from '../agents/agents.module.js';
import { ComplianceModule } from '../compliance/compliance.module.js';

/** The live floor: supervisors listening to, coaching and joining live calls; transfers, three-way calls and parking; the floor's rules. */
@Module({
  imports: [TelephonyModule, DialerModule, LeadsModule, UsersModule, SettingsModule, RealtimeModule, AgentsModule, ComplianceModule],
  controllers: [FloorController],
  providers: [Monitoring, FloorRulesService, Transfers, CallRecordings, CallUpdatesPush],
  exports: [Monitoring],
})
export class FloorModule {}
