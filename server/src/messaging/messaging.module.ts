import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { SmsTemplatesController } from './sms-templates.controller.js';
import { SmsTemplatesRepository } from './sms-templates.repository.js';
import { SmsTemplatesService } from './sms-templates.service.js';

/** The agent's SMS composer: templates and previews rendered for a lead. */
@Module({ imports: [LeadsModule, SchedulesModule], controllers: [SmsTemplatesController], providers: [SmsTemplatesService, SmsTemplatesRepository], exports: [SmsTemplatesService] })
export class MessagingModule {}
