import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { AppConfig } from '../config/app-config.js';

const SAMPLE_MS = 50;

/**
 * Admission of softphones to this instance: while more connects are still being served
 * (handshake, first resync) than the limit, or the event loop is behind by more than the
 * limit, a new handshake is refused as `unavailable` with when to retry, instead of
 * queuing until the client times out. The lag is the drift of a 50 ms timer.
 */
@Injectable()
export class Admission implements OnModuleDestroy {
  private pending = 0;
  private lag = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly config: AppConfig) {
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lag = Math.max(0, now - last - SAMPLE_MS);
      last = now;
    }, SAMPLE_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Admits one connect (call `leave` once it is served), or says after how long to retry. */
  enter(): { leave: () => void } | { retryAfterMs: number } {
    const { maxPendingConnects, maxLagMs, retryAfterMs } = this.config.realtime;
    if (this.pending >= maxPendingConnects || this.lag > maxLagMs) return { retryAfterMs };
    this.pending++;
    let left = false;
    return {
      leave: () => {
        if (left) return;
        left = true;
        this.pending--;
      },
    };
  }
}
