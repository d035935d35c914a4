import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JsonLogger } from '../common/json-logger.js';
import { AppConfig } from '../config/app-config.js';
import { SchedulerService } from '../scheduler/scheduler.service.js';
import { ReportSubscriptionsService } from './report-subscriptions.service.js';

const EVERY_MS = 60_000;

/**
 * Delivers the scheduled reports: every minute, under the cluster lock `reports.deliver`
 * (one instance at a time), the due subscriptions are claimed and sent. Each claim is also a
 * conditional update of the subscription, so a second instance, or this one after a restart,
 * never delivers a day twice.
 */
@Injectable()
export class ReportDeliveries implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly subscriptions: ReportSubscriptionsService,
    private readonly scheduler: SchedulerService,
    private readonly config: AppConfig,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.env === 'test') return; // tests run it by hand on their fixed clock
    this.timer = setInterval(() => {
      this.running = this.run().catch((e: unknown) => this.logger.warn(`report deliveries: ${(e as Error).message}`));
    }, EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass under the cluster lock: the subscriptions delivered now, or null when another instance holds the lock. */
  run(): Promise<number | null> {
    return this.scheduler.once('reports.deliver', 15 * 60_000, () => this.subscriptions.deliverDue());
  }
}
