import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { UsersModule } from '../users/users.module.js';
import { DemoSeedService } from './demo-seed.service.js';

@Module({ imports: [UsersModule, LeadsModule, TelephonyModule], providers: [DemoSeedService] })
export class DemoModule {}
