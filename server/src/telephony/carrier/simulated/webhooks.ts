import twilio from 'twilio';
import type { CarrierClock } from './clock.js';
import type { CarrierIds } from './ids.js';
import type { Delivery, DeliveryKind, SimulatedCarrierOptions } from './types.js';

/** What our server answered a webhook with; `status` 0: no answer. */
export interface WebhookReply {
  status: number;
  body: string;
}

/**
 * The carrier's side of webhooks: each request signed with `X-Twilio-Signature` over the
 * URL and the posted parameters, as our guard checks it, and carrying one idempotency
 * token across its retries. Every attempt is kept in `deliveries`.
 */
export class Webhooks {
  /** Every webhook attempt, in order. */
  readonly deliveries: Delivery[] = [];

  constructor(
    private readonly options: Pick<SimulatedCarrierOptions, 'authToken' | 'webhookTimeoutMs' | 'logger'>,
    private readonly clock: CarrierClock,
    private readonly ids: CarrierIds,
  ) {}

  /**
   * Sends a signed webhook. A 5xx or no answer is tried twice more; the carrier never
   * throws for a server that is down.
   */
  async deliver(kind: DeliveryKind, url: string, method: 'GET' | 'POST', params: Record<string, string>): Promise<WebhookReply> {
    let target = url;
    let signed: Record<string, string> = params;
    if (method === 'GET') {
      const u = new URL(url);
      for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
      target = u.toString();
      signed = {};
    }
    const signature = twilio.getExpectedTwilioSignature(this.options.authToken, target, signed);
    const idempotency = this.ids.idempotencyToken();
    let last: WebhookReply = { status: 0, body: '' };
    let problem = '';
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const res = await fetch(target, {
          method,
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            'X-Twilio-Signature': signature,
            'I-Twilio-Idempotency-Token': idempotency,
            'User-Agent': 'TwilioProxy/1.1 (simulated carrier)',
          },
          body: method === 'POST' ? new URLSearchParams(params).toString() : undefined,
          signal: AbortSignal.timeout(this.options.webhookTimeoutMs ?? 15_000),
        });
        last = { status: res.status, body: await res.text() };
        problem = `answered ${res.status}`;
      } catch (e) {
        last = { status: 0, body: '' };
        problem = (e as Error).message;
      }
      this.deliveries.push({ kind, url: target, method, params, status: last.status, signature, attempt, at: this.clock.now(), response: last.body.slice(0, 4000) });
      if (last.status > 0 && last.status < 500) return last;
      if (attempt < 3) await this.clock.pause();
    }
    this.options.logger?.warn(`simulated carrier: ${kind} webhook ${url} failed three times (${problem})`);
    return last;
  }
}
