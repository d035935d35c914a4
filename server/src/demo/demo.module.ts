import { Module } from '@nestjs/common';
import { CallbacksModule } from '../callbacks/callbacks.module.js';
import { DialerModule } from '../dialer/dialer.module.js';
import { DispositionsModule } from '../dispositions/dispositions.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { MessagingModule } from '../messaging/messaging.module.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { UsersModule } from '../users/users.module.js';
import { DemoCampaign } from './demo-campaign.js';
import { DemoSeedService } from './demo-seed.service.js';

@Module({ imports: [UsersModule, LeadsModule, TelephonyModule, DialerModule, DispositionsModule, SchedulesModule, CallbacksModule, MessagingModule], providers: [DemoSeedService, DemoCampaign] })
export class DemoModule {}
