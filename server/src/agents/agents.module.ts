import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module.js';
import { UsersModule } from '../users/users.module.js';
import { AgentStatesRepository } from './agent-states.repository.js';
import { AgentStatesService } from './agent-states.service.js';
import { AgentsController } from './agents.controller.js';

/** Agents' presence: states, pauses, wrap-up limits, liveness from heartbeats, and the history of changes. */
@Module({
  imports: [UsersModule, SettingsModule],
  controllers: [AgentsController],
  providers: [AgentStatesRepository, AgentStatesService],
  exports: [AgentStatesService, AgentStatesRepository],
})
export class AgentsModule {}
