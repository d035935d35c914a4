import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { JsonLogger } from '../../common/json-logger.js';
import { CONFIRMATION_TEXT } from '../../compliance/data/consent-law.js';
import { SchedulerService } from '../../scheduler/scheduler.service.js';
import { OutboundService } from './outbound.service.js';

export const CONSENT_CONFIRM_QUEUE = 'consent.confirm';

export interface ConfirmationJob {
  entryId: string;
  leadId: string | null;
  /** The person's number, and ours they wrote to. */
  to: string;
  from: string;
  text: string;
  receivedAt: string;
}

/**
 * The one confirmation text a revocation by text may get: a durable job keyed by the
 * ledger entry, so a retried webhook or a restart never sends it twice, and sent only
 * within the rule's five minutes of receipt (47 CFR 64.1200(a)(12)); later, it is dropped.
 */
@Injectable()
export class ConsentConfirmations implements OnModuleInit {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly outbound: OutboundService,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(CONSENT_CONFIRM_QUEUE, { handle: (p) => this.send(p as ConfirmationJob) });
  }

  /** Asks for the confirmation once per ledger entry (a second ask is a no-op). */
  async schedule(job: ConfirmationJob): Promise<void> {
    await this.scheduler.enqueue(CONSENT_CONFIRM_QUEUE, job, { dedupeKey: `consent-confirm:${job.entryId}`, priority: 20, maxAttempts: 3 });
  }

  private async send(job: ConfirmationJob): Promise<void> {
    const late = this.clock.now().getTime() - Date.parse(job.receivedAt);
    if (late > CONFIRMATION_TEXT.withinMinutes * 60_000) {
      this.logger.warn(`consent confirmation for entry ${job.entryId} not sent: ${Math.round(late / 1000)} s after the request, past the rule's ${CONFIRMATION_TEXT.withinMinutes} minutes`);
      return;
    }
    await this.outbound.sendConfirmation({ key: `consent-confirm:${job.entryId}`, leadId: job.leadId, to: job.to, from: job.from, body: job.text, entryId: job.entryId });
  }
}
