import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { JsonLogger } from '../../common/json-logger.js';
import { AppConfig } from '../../config/app-config.js';
import type { ConversationEntity } from '../conversations/conversation.entity.js';
import { CALL_STATUSES, isFinal, SMS_STATUSES } from '../conversations/conversation-state.js';
import { ConversationsRepository } from '../conversations/conversations.repository.js';
import { CarrierGateway } from '../gateway/carrier-gateway.js';
import { CarrierEventsService } from '../webhooks/carrier-events.service.js';

export interface ReconcileReport {
  checked: number;
  /** Moved forward from what the carrier says. */
  updated: number;
  /** A sid never recorded, found at the carrier and adopted. */
  adopted: number;
  /** Never reached the carrier: closed as failed. */
  closed: number;
}

const OPEN_STATUSES = [...new Set([...CALL_STATUSES.filter((s) => !isFinal('call', s)), ...SMS_STATUSES.filter((s) => !isFinal('sms', s))])];

/**
 * Finds calls and texts that have gone quiet without a final status (a lost callback,
 * a crash between placing and recording) and asks the carrier what became of them.
 * Safe on several instances at once: every change goes through the forward-only
 * state machine.
 */
@Injectable()
export class CallReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly carrier: CarrierGateway,
    private readonly events: CarrierEventsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.env === 'test') return; // tests run it by hand against their fixed clock
    const every = Math.max(10, Math.floor(this.config.telephony.reconcileAfterSeconds / 2)) * 1000;
    const pass = () => {
      this.running = this.run().catch((e: unknown) => this.logger.warn(`reconciler: ${(e as Error).message}`));
    };
    // At once on start: what this instance (or a dead one) left in flight before a restart is settled now, not a period later.
    pass();
    this.timer = setInterval(pass, every);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async run(): Promise<ReconcileReport> {
    const now = this.clock.now();
    const before = new Date(now.getTime() - this.config.telephony.reconcileAfterSeconds * 1000);
    const stale = await this.conversations.unsettled(OPEN_STATUSES, before, 200);
    const report: ReconcileReport = { checked: 0, updated: 0, adopted: 0, closed: 0 };
    for (const c of stale) {
      report.checked++;
      try {
        await this.reconcile(c, report);
      } catch (e) {
        this.logger.warn(`reconciler: conversation ${c.id}: ${(e as Error).message}`);
      }
    }
    return report;
  }

  private async reconcile(c: ConversationEntity, report: ReconcileReport): Promise<void> {
    if (c.direction !== 'outbound') {
      // An inbound call whose end we never heard of: the carrier knows.
      if (!c.providerSid) return;
    }
    let sid = c.providerSid;
    if (!sid) {
      if (c.channel !== 'call') {
        // The attempt may have died after the carrier took the text but before its sid was written.
        const text = await this.textAtCarrier(c);
        if (!text) return this.close(c, report, 'the message never reached the carrier');
        sid = text;
        report.adopted++;
      } else {
        const found = (await this.carrier.findCalls({ to: c.toNumber, from: c.fromNumber, after: c.createdAt })).filter((x) => x.sid);
        const candidates = [];
        for (const x of found) if (!(await this.conversations.findBySid(x.sid))) candidates.push(x);
        if (!candidates.length) return this.close(c, report, 'the call never reached the carrier');
        sid = candidates[0].sid;
        report.adopted++;
      }
    }
    if (c.channel === 'call') {
      const call = await this.carrier.fetchCall(sid);
      if (!call) return this.close(c, report, 'the carrier does not know the call');
      const at = call.endTime ?? call.startTime ?? this.clock.now();
      const before = c.status;
      const after = await this.events.apply(c, {
        status: call.status,
        at,
        durationSeconds: call.durationSeconds,
        answeredBy: call.answeredBy,
        sid,
        source: 'reconciler',
        payload: { ...call },
      });
      if (after && after.status !== before) report.updated++;
      return;
    }
    const message = await this.carrier.fetchMessage(sid);
    if (!message) return this.close(c, report, 'the carrier does not know the message');
    const after = await this.events.apply(c, { status: message.status, at: this.clock.now(), sid, errorCode: message.errorCode, errorMessage: message.errorMessage, source: 'reconciler', payload: { ...message } });
    if (after && after.status !== c.status) report.updated++;
  }

  /** The sid of the carrier's text to the same number, from the same number, with the same words, that no row holds. */
  private async textAtCarrier(c: ConversationEntity): Promise<string | null> {
    if (c.direction !== 'outbound' || !c.body) return null;
    for (const m of await this.carrier.findMessages({ to: c.toNumber, from: c.fromNumber })) {
      if (m.body === c.body && !(await this.conversations.findBySid(m.sid))) return m.sid;
    }
    return null;
  }

  private async close(c: ConversationEntity, report: ReconcileReport, why: string): Promise<void> {
    await this.events.apply(c, { status: 'failed', at: this.clock.now(), errorCode: 'not-placed', errorMessage: why, source: 'reconciler', payload: { why } });
    report.closed++;
  }
}
