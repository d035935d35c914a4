/**
 * What became of an email: written before the send (sending), taken by our mail server
 * (sent), reported delivered to the lead's mailbox by a delivery notification (delivered),
 * answered (replied), or refused (failed: for now; bounced: permanently).
 */
export const EMAIL_STATUSES = ['sending', 'sent', 'delivered', 'replied', 'failed', 'bounced'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** The statuses of an email that went out (whatever came of it since, short of a bounce). */
export const EMAIL_WENT_OUT: readonly EmailStatus[] = ['sent', 'delivered', 'replied'];

/** One email of a lead's email conversation. */
export interface EmailMessageView {
  id: string;
  /** Null for an email to one of our users (a scheduled report). */
  leadId: string | null;
  subject: string;
  to: string;
  cc: string[];
  bcc: string[];
  from: string;
  replyTo: string | null;
  status: EmailStatus;
  error: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  threadId: string | null;
  createdAt: string;
  sentAt: string | null;
  /** When a delivery notification said the lead's mailbox took it. */
  deliveredAt: string | null;
  openedAt: string | null;
  clickedAt: string | null;
  repliedAt: string | null;
  bouncedAt: string | null;
  participantActionId: string | null;
  /** The agent who sent it; null when a schedule's automatic step did. */
  sentBy: string | null;
}

/** A manual email step's draft: its template rendered for the lead, and the From addresses allowed. */
export interface EmailDraftView {
  actionId: string;
  to: string | null;
  cc: string[];
  bcc: string[];
  replyTo: string | null;
  from: string;
  senders: string[];
  subject: string;
  body: string;
  html: boolean;
  /** Set when the step replies to the enrollment's previous email: the Message-ID it answers. */
  inReplyTo: string | null;
}

/** What an agent sends for a manual email step. */
export interface SendEmailRequest {
  to: string;
  cc?: string[];
  bcc?: string[];
  replyTo?: string | null;
  from?: string;
  subject: string;
  body: string;
  html?: boolean;
}

/** What an inbound email is: a lead's reply, a delivery report (a bounce, or a delivery notice), or anything else. */
export const INBOUND_EMAIL_KINDS = ['reply', 'bounce', 'delivery', 'other'] as const;
export type InboundEmailKind = (typeof INBOUND_EMAIL_KINDS)[number];

/** One email received (`email_inbound`), as the inbound list and the lead's thread show it. */
export interface InboundEmailView {
  id: string;
  kind: InboundEmailKind;
  from: string;
  to: string;
  subject: string;
  /** The start of its plain text (300 characters). */
  snippet: string;
  receivedAt: string;
  /** The lead it was matched to (by thread or From address); null when unmatched. */
  leadId: string | null;
  leadName: string | null;
  /** Our email it answers or reports on; null when it threads to none. */
  matchedEmailId: string | null;
  matchedSubject: string | null;
}

/** A page of received email, newest first. */
export interface InboundEmailPage {
  items: InboundEmailView[];
  total: number;
}

/** One entry of a lead's email thread: an email we sent, or one the lead (or their mail server) sent us. */
export type EmailThreadEntry = { direction: 'outbound'; at: string; email: EmailMessageView } | { direction: 'inbound'; at: string; inbound: InboundEmailView };
