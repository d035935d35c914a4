import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '../../config/app-config.js';

/** The absolute URLs the carrier calls back on: PUBLIC_URL when set (behind a proxy), else where this server listens. */
@Injectable()
export class WebhookUrls {
  constructor(
    private readonly config: AppConfig,
    private readonly adapter: HttpAdapterHost,
  ) {}

  base(): string {
    if (this.config.publicUrl) return this.config.publicUrl;
    const server = this.adapter.httpAdapter?.getHttpServer() as Server | undefined;
    const address = server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the server is not listening yet, so webhook URLs are unknown; set PUBLIC_URL');
    return `http://127.0.0.1:${address.port}`;
  }

  callStatus(conversationId: string): string {
    return `${this.base()}/api/telephony/webhooks/call-status?c=${conversationId}`;
  }

  smsStatus(conversationId: string): string {
    return `${this.base()}/api/telephony/webhooks/sms-status?c=${conversationId}`;
  }

  bridge(conversationId: string): string {
    return `${this.base()}/api/telephony/twiml/bridge?c=${conversationId}`;
  }

  /** Where a call's conference room posts its events. */
  conference(conversationId: string): string {
    return `${this.base()}/api/telephony/webhooks/conference?c=${conversationId}`;
  }

  /** Where a leg dialed into a room (an agent's phone, a supervisor, a transfer) posts its call progress. */
  legStatus(legId: string): string {
    return `${this.base()}/api/telephony/webhooks/leg-status?l=${legId}`;
  }

  /** Where a recording started over REST reports on itself. */
  callRecording(conversationId: string): string {
    return `${this.base()}/api/telephony/webhooks/call-recording?c=${conversationId}`;
  }

  inboundVoice(): string {
    return `${this.base()}/api/telephony/webhooks/voice`;
  }

  inboundSms(): string {
    return `${this.base()}/api/telephony/webhooks/sms`;
  }

  recording(conversationId: string): string {
    return `${this.base()}/api/telephony/webhooks/recording?c=${conversationId}`;
  }
}
