import { Module } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { EmailInboundRepository } from './email-inbound.repository.js';
import { MailboxCursorsRepository } from './mailbox-cursors.repository.js';
import { EmailMessagesRepository } from './email-messages.repository.js';
import { EmailSender } from './email-sender.js';
import { ImapPoller } from './inbound/imap-poller.js';
import { InboundEmailController } from './inbound/inbound-email.controller.js';
import { InboundEmailService } from './inbound/inbound-email.service.js';
import { InboundSignatureGuard } from './inbound/inbound-signature.guard.js';
import { EmailTracking } from './email-tracking.js';
import { Mailer } from './mailer.js';
import { LeadEmailsController } from './lead-emails.controller.js';
import { LeadEmailsService } from './lead-emails.service.js';
import { InboundEmailsController } from './inbound-emails.controller.js';
import { InboundEmailsService } from './inbound-emails.service.js';
import { TrackingController } from './tracking.controller.js';
import { UnsubscribeLinks } from './unsubscribe-links.js';
import { UnsubscribeController } from './unsubscribe.controller.js';

/** Email as a channel: sending, the unsubscribe links and page, opens and clicks, and what comes back (replies, bounces). */
@Module({
  imports: [LeadsModule, ComplianceModule],
  controllers: [UnsubscribeController, TrackingController, LeadEmailsController, InboundEmailController, InboundEmailsController],
  providers: [Mailer, UnsubscribeLinks, EmailTracking, EmailMessagesRepository, EmailSender, LeadEmailsService, InboundEmailsService, EmailInboundRepository, MailboxCursorsRepository, InboundEmailService, InboundSignatureGuard, ImapPoller],
  exports: [Mailer, UnsubscribeLinks, EmailTracking, EmailMessagesRepository, EmailSender, InboundEmailService, ImapPoller],
})
export class EmailModule {}
