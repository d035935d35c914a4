import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { SignedTokens } from '../common/signed-tokens.js';
import { AppConfig } from '../config/app-config.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { EmailMessagesRepository } from './email-messages.repository.js';

/** Links of our own that must reach us as they are (not counted as clicks). */
const OWN_LINKS = /\/api\/(unsubscribe|interest|t)\//;

/**
 * Opens and clicks of the emails schedules send. An HTML email gets a one-pixel image and
 * its links pointed through us, each carrying a signed token naming the message (and,
 * for a click, where it goes: the redirect only ever goes where the token says, so it is
 * not an open redirect). The first open and the first click are kept on the message and
 * become the lead's activity (`email-opened`, `email-clicked`: "opened but no reply").
 * Plain-text emails carry no pixel and their links are left alone.
 */
@Injectable()
export class EmailTracking {
  private readonly tokens: SignedTokens;

  constructor(
    private readonly messages: EmailMessagesRepository,
    private readonly leads: LeadsRepository,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.tokens = new SignedTokens(config.auth.jwtSecret, 'email-tracking');
  }

  /** The HTML body with its links tracked and the open pixel added. */
  instrument(html: string, messageId: string, base: string): string {
    const tracked = html.replace(/href="(https?:\/\/[^"]+)"/gi, (whole, url: string) => {
      const target = url.replace(/&amp;/g, '&');
      return OWN_LINKS.test(target) ? whole : `href="${base}/api/t/c/${this.tokens.seal({ m: messageId, u: target })}"`;
    });
    const pixel = `<img src="${base}/api/t/o/${this.tokens.seal({ m: messageId })}" width="1" height="1" alt="" style="display:none">`;
    return /<\/body>/i.test(tracked) ? tracked.replace(/<\/body>/i, `${pixel}</body>`) : tracked + pixel;
  }

  /** The message a token names, and for a click where it goes; null for a token we did not make. */
  read(token: string): { messageId: string; url: string | null } | null {
    const c = this.tokens.open(token);
    if (!c || typeof c.m !== 'string') return null;
    if (c.u !== undefined && (typeof c.u !== 'string' || !/^https?:\/\//i.test(c.u))) return null;
    return { messageId: c.m, url: (c.u as string | undefined) ?? null };
  }

  /** Records an open (or a click, which also means it was opened); the first of each counts. */
  async record(messageId: string, kind: 'open' | 'click'): Promise<void> {
    const now = this.clock.now();
    const message = await this.messages.findById(messageId);
    if (!message) return;
    const seen = await this.messages.markSeen(messageId, kind, now);
    if (!message.leadId) return; // an email to one of our users: no lead's activity to touch
    if (seen.firstClick) await this.leads.touchActivity(message.leadId, 'email-clicked', now, false);
    else if (seen.firstOpen) await this.leads.touchActivity(message.leadId, 'email-opened', now, false);
  }
}
