import { Module, type OnModuleInit } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module.js';
import { ActionRegistry } from '../schedules/actions/action-registry.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { KeapContactAction, ZohoContactAction } from './actions/crm.actions.js';
import { DataAppendAction } from './actions/data-append.action.js';
import { FtpUploadAction, S3UploadAction } from './actions/upload.actions.js';
import { WebhookAction } from './actions/webhook.action.js';
import { EgressGuard } from './egress/egress-guard.js';
import { HostResolver, SystemHostResolver } from './egress/host-resolver.js';
import { HttpCaller } from './http-caller.js';
import { IntegrationsController } from './integrations.controller.js';
import { IntegrationsRepository } from './integrations.repository.js';
import { IntegrationsService } from './integrations.service.js';

const ACTIONS = [WebhookAction, DataAppendAction, S3UploadAction, FtpUploadAction, KeapContactAction, ZohoContactAction];

/** Outside services (their settings and sealed secrets), the egress guard every request to them passes, and the actions that reach them, in the shared action registry. */
@Module({
  imports: [LeadsModule, SchedulesModule, TelephonyModule],
  controllers: [IntegrationsController],
  providers: [IntegrationsService, IntegrationsRepository, EgressGuard, { provide: HostResolver, useClass: SystemHostResolver }, HttpCaller, ...ACTIONS],
  exports: [IntegrationsService],
})
export class IntegrationsModule implements OnModuleInit {
  constructor(
    private readonly registry: ActionRegistry,
    private readonly webhook: WebhookAction,
    private readonly dataAppend: DataAppendAction,
    private readonly s3: S3UploadAction,
    private readonly ftp: FtpUploadAction,
    private readonly keap: KeapContactAction,
    private readonly zoho: ZohoContactAction,
  ) {}

  onModuleInit(): void {
    for (const h of [this.webhook, this.dataAppend, this.s3, this.ftp, this.keap, this.zoho]) this.registry.register(h);
  }
}
