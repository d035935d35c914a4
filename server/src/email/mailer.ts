import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '../config/app-config.js';

export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo?: string | null;
  cc?: string[];
  bcc?: string[];
  subject: string;
  text: string;
  html?: string | null;
  headers?: Record<string, string>;
  /** Our Message-ID, so a retried send is recognisable downstream. */
  messageId: string;
  /**
   * The envelope id (SMTP DSN `ENVID`, our email row's id): a delivery notification names
   * it in `Original-Envelope-Id`, so the report finds its email even without our headers.
   */
  envelopeId?: string;
  /** Threading: the Message-ID answered, and the thread's ids oldest first. */
  inReplyTo?: string | null;
  references?: string | null;
  /** Files sent with it (a scheduled report's CSV). */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  content: string | Buffer;
  contentType: string;
}

export interface SendResult {
  messageId: string;
  accepted: string[];
  /** Recipients the server refused while taking the message for others. */
  rejected: Array<{ address: string; reason: string; permanent: boolean }>;
}

/** A refusal by the receiving server: permanent (5xx, the address bounced) or not. */
export class MailError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly responseCode: number | null) {
    super(message);
  }
}

/**
 * Sends email over SMTP through nodemailer. Without SMTP_URL (development) each
 * message is written as an RFC 822 .eml file to the outbox directory instead, so the
 * product runs and its mail can be read without a server.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private transport: Transporter | null = null;

  constructor(private readonly config: AppConfig) {}

  get mode(): 'smtp' | 'outbox' {
    return this.config.email.smtpUrl ? 'smtp' : 'outbox';
  }

  /**
   * Sends one message. The server may accept it for some recipients and refuse others
   * (a cc'd colleague accepted, the lead's mailbox unknown): `rejected` names the
   * refused ones with the server's words; only when every recipient is refused does it throw.
   */
  async send(mail: OutgoingEmail): Promise<SendResult> {
    const message = {
      from: mail.from,
      to: mail.to,
      cc: mail.cc?.length ? mail.cc : undefined,
      bcc: mail.bcc?.length ? mail.bcc : undefined,
      replyTo: mail.replyTo ?? undefined,
      subject: mail.subject,
      text: mail.text,
      html: mail.html ?? undefined,
      headers: mail.headers,
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo ?? undefined,
      references: mail.references ?? undefined,
      attachments: mail.attachments?.length ? mail.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })) : undefined,
      // Ask every receiving server for a delivery status notification (RFC 3461) on delivery as
      // well as on failure or delay, with the original's headers only: the "delivered" state.
      // Sent only when the server offers DSN; without it an email stays "sent".
      dsn: mail.envelopeId ? { id: mail.envelopeId, return: 'headers', notify: ['success', 'failure', 'delay'] } : undefined,
    };
    if (this.mode === 'outbox') {
      const out = await this.outbox().sendMail(message);
      mkdirSync(this.config.email.outboxDir, { recursive: true });
      await writeFile(join(this.config.email.outboxDir, `${mail.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_')}.eml`), out.message as Buffer);
      return { messageId: mail.messageId, accepted: [mail.to], rejected: [] };
    }
    try {
      const info = await this.smtp().sendMail(message);
      const errors = (info as { rejectedErrors?: Array<Error & { recipient?: string; response?: string; responseCode?: number }> }).rejectedErrors ?? [];
      const addressOf = (r: unknown) => (typeof r === 'string' ? r : String((r as { address?: string }).address));
      const rejected = ((info.rejected ?? []) as unknown[]).map((r) => {
        const address = addressOf(r);
        const err = errors.find((e) => e.recipient === address);
        return { address, reason: err?.response ?? err?.message ?? 'refused', permanent: (err?.responseCode ?? 550) >= 500 };
      });
      return { messageId: info.messageId ?? mail.messageId, accepted: ((info.accepted ?? []) as unknown[]).map(addressOf), rejected };
    } catch (e) {
      const err = e as Error & { responseCode?: number; code?: string };
      const code = err.responseCode ?? null;
      throw new MailError(err.message, code !== null && code >= 500 && code < 600, code);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.transport?.close();
  }

  private smtp(): Transporter {
    this.transport ??= nodemailer.createTransport(this.config.email.smtpUrl as string);
    return this.transport;
  }

  private outbox(): Transporter {
    return nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }
}
