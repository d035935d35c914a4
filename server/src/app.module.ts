import { type DynamicModule, Module } from '@nestjs/common';
import { AgentsModule } from './agents/agents.module.js';
import { AuthModule } from './auth/auth.module.js';
import type { JsonLogger } from './common/json-logger.js';
import type { AppConfig } from './config/app-config.js';
import { ComplianceModule } from './compliance/compliance.module.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { ENTITIES } from './entities.js';
import { DialerModule } from './dialer/dialer.module.js';
import { FloorModule } from './floor/floor.module.js';
import { ActionGroupsModule } from './action-groups/action-groups.module.js';
import { AutomationsModule } from './schedules/automations/automations.module.js';
import { IntegrationsModule } from './integrations/integrations.module.js';
import { MessagingModule } from './messaging/messaging.module.js';
import { DispositionsModule } from './dispositions/dispositions.module.js';
import { DemoModule } from './demo/demo.module.js';
import { HealthModule } from './health/health.module.js';
import { LeadsModule } from './leads/leads.module.js';
import { RecordPortsModule } from './record-ports.module.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { SchedulesModule } from './schedules/schedules.module.js';
import { CallbacksModule } from './callbacks/callbacks.module.js';
import { RepliesModule } from './replies/replies.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { SupervisionModule } from './supervision/supervision.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { RingPoolsModule } from './telephony/ring-pools/ring-pools.module.js';
import { TelephonyModule } from './telephony/telephony.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: JsonLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config, logger), DatabaseModule.forRoot(config, logger, ENTITIES), SchedulerModule, AuthModule, UsersModule, SettingsModule, LeadsModule, RecordPortsModule, ComplianceModule, AgentsModule, RingPoolsModule, TelephonyModule, CallbacksModule, SchedulesModule, RealtimeModule, DialerModule, FloorModule, SupervisionModule, ReportsModule, DispositionsModule, IntegrationsModule, ActionGroupsModule, AutomationsModule, MessagingModule, RepliesModule, HealthModule, DemoModule],
    };
  }
}
