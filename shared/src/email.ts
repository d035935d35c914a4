/** What became of an email: written before the send, then sent, or refused (bounced: permanently). */
export const EMAIL_STATUSES = ['sending', 'sent', 'failed', 'bounced'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** One email of a lead's email conversation. */
export interface EmailMessageView {
  id: string;
  leadId: string;
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
  openedAt: string | null;
  clickedAt: string | null;
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
