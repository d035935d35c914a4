import { Module } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { EmailMessagesRepository } from './email-messages.repository.js';
import { EmailTracking } from './email-tracking.js';
import { Mailer } from './mailer.js';
import { TrackingController } from './tracking.controller.js';
import { UnsubscribeLinks } from './unsubscribe-links.js';
import { UnsubscribeController } from './unsubscribe.controller.js';

/** Email as a channel: sending, the unsubscribe links and page, opens and clicks. */
@Module({
  imports: [LeadsModule, ComplianceModule],
  controllers: [UnsubscribeController, TrackingController],
  providers: [Mailer, UnsubscribeLinks, EmailTracking, EmailMessagesRepository],
  exports: [Mailer, UnsubscribeLinks, EmailTracking, EmailMessagesRepository],
})
export class EmailModule {}
