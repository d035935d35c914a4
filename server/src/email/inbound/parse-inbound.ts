import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

/** How much of a message's plain text is kept. */
export const INBOUND_TEXT_CHARS = 64 * 1024;

/** A delivery status notification: what the receiving side said about one of our messages. */
export interface DeliveryReport {
  /** 5.x.x or Action: failed (and nothing says it is only delayed). */
  permanent: boolean;
  /** Action: delivered (status 2.x.x): the receiving server put it in the recipient's mailbox. */
  delivered: boolean;
  /** `Original-Envelope-Id`: the ENVID we sent with it (our email row's id), when the reporter kept it. */
  envelopeId: string | null;
  /** The enhanced status code (`5.1.1`), when given. */
  status: string | null;
  /** The receiving server's words (`Diagnostic-Code`), or the status line, cut to 1,000 characters. */
  diagnostic: string;
  /** Who could not be reached (`Final-Recipient`), lower-cased. */
  recipient: string | null;
  /** Message-IDs of the original, from the report's fields and the headers it carried back, with brackets. */
  originalIds: string[];
}

/** An inbound message as intake reads it. */
export interface InboundMessage {
  /** With its angle brackets; made from the content when the message has none, so a repeat is still one row. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  inReplyTo: string | null;
  references: string[];
  /** Written by a machine, not the person (an out-of-office, a vacation notice): RFC 3834 `Auto-Submitted`, or the common vendor headers. */
  automatic: boolean;
  report: DeliveryReport | null;
}

/** `<a@b>` as written, or `a@b` given bare: always the bracketed form. */
export function bracketed(id: string): string {
  const t = id.trim();
  return t.startsWith('<') && t.endsWith('>') ? t : `<${t.replace(/^<|>$/g, '')}>`;
}

/** Every `<…>` id in a header value (References lists many, separated by space or folding). */
export function idsIn(value: string | string[] | undefined | null): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const found = text.match(/<[^<>\s]{1,298}>/g);
  if (found) return [...new Set(found)];
  return text.split(/[\s,]+/).filter((s) => s.length > 0 && s.length <= 298 && s.includes('@')).map(bracketed);
}

function firstAddress(a: AddressObject | AddressObject[] | undefined): string {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return (list.flatMap((x) => x.value).find((v) => v.address)?.address ?? '').toLowerCase();
}

function allAddresses(a: AddressObject | AddressObject[] | undefined): string {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  return list
    .flatMap((x) => x.value)
    .map((v) => v.address?.toLowerCase())
    .filter((v): v is string => !!v)
    .join(', ');
}

/** Reads a raw MIME message. Never throws for malformed input: mailparser reads what it can. */
export async function parseInbound(raw: Buffer): Promise<InboundMessage> {
  const m = await simpleParser(raw, { skipHtmlToText: false, skipTextLinks: true, skipImageLinks: true });
  const messageId = m.messageId && m.messageId.length <= 300 ? bracketed(m.messageId) : `<sha256-${createHash('sha256').update(raw).digest('hex')}@inbound.invalid>`;
  const text = (m.text ?? '').slice(0, INBOUND_TEXT_CHARS);
  const inReplyTo = idsIn(m.inReplyTo)[0] ?? null;
  const references = idsIn(m.references).slice(0, 100);
  return {
    messageId,
    from: firstAddress(m.from).slice(0, 254),
    to: allAddresses(m.to).slice(0, 1000),
    subject: (m.subject ?? '').replace(/[\r\n]+/g, ' ').slice(0, 300),
    text,
    inReplyTo,
    references,
    automatic: isAutomatic(m),
    report: readReport(m, messageId),
  };
}

function isAutomatic(m: ParsedMail): boolean {
  const header = (name: string) => String(m.headers.get(name) ?? '').trim().toLowerCase();
  const auto = header('auto-submitted');
  return (auto !== '' && auto !== 'no') || header('x-autoreply') !== '' || header('x-autorespond') !== '' || ['auto_reply', 'bulk', 'junk'].includes(header('precedence'));
}

const REPORTER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounces?)@/i;
const BOUNCE_SUBJECT = /undeliver|returned mail|delivery (status notification|failure|has failed|failed)|mail delivery (failed|system)|failure notice|could not be delivered|delivery problem/i;

/**
 * A delivery report, if the message is one: a multipart/report of type delivery-status,
 * or the common shapes mail servers send from MAILER-DAEMON or postmaster (a status code
 * in the text, the original's headers quoted below it).
 */
function readReport(m: ParsedMail, ownId: string): DeliveryReport | null {
  const type = m.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const isReport = type?.value?.toLowerCase() === 'multipart/report' && (type.params?.['report-type'] ?? '').toLowerCase() === 'delivery-status';
  const from = firstAddress(m.from);
  const looksLikeBounce = REPORTER.test(from) && BOUNCE_SUBJECT.test(m.subject ?? '');
  if (!isReport && !looksLikeBounce) return null;

  // The report's fields end up in the text (mailparser reads message/delivery-status as text); the original's headers in attachments or quoted.
  const attached = m.attachments
    .filter((a) => /^(message\/rfc822|text\/rfc822-headers|message\/delivery-status|message\/global-headers|message\/global-delivery-status)$/i.test(a.contentType))
    .map((a) => a.content.subarray(0, 256 * 1024).toString('utf8'));
  const text = [(m.text ?? '').slice(0, 256 * 1024), ...attached].join('\n');
  const field = (name: string): string | null => new RegExp(`^${name}:[ \\t]*(.+(?:\\r?\\n[ \\t]+.+)*)`, 'im').exec(text)?.[1].replace(/\s+/g, ' ').trim() ?? null;

  const action = field('Action')?.toLowerCase() ?? null;
  const status = /([245])\.\d{1,3}\.\d{1,3}/.exec(field('Status') ?? '')?.[0] ?? (looksLikeBounce ? (/\b[245]\d\d[ -]#?([245]\.\d{1,3}\.\d{1,3})/.exec(text)?.[1] ?? null) : null);
  const diagnostic = (field('Diagnostic-Code') ?? (status ? `Status: ${status}` : null) ?? text.trim().split(/\r?\n/).find((l) => /\b[45]\d\d\b/.test(l)) ?? 'undelivered').slice(0, 1000);
  // Success notifications (RFC 3464 §2.3.3): delivered is final; relayed or expanded only means it went on somewhere that reports no more.
  const delivered = action === 'delivered' || (!action && !!status?.startsWith('2'));
  const transient = status?.startsWith('4') || action === 'delayed' || action === 'relayed' || action === 'delivered' || action === 'expanded';
  const permanent = !transient && (status?.startsWith('5') || action === 'failed' || (looksLikeBounce && !status && !action));
  const recipient = /;\s*([^\s;<>]+@[^\s;<>]+)/.exec(field('Final-Recipient') ?? field('Original-Recipient') ?? '')?.[1].toLowerCase() ?? null;

  const originals: string[] = [];
  const original = field('Original-Message-ID');
  if (original) originals.push(...idsIn(original));
  for (const part of attached) originals.push(...idsIn(/^Message-ID:[ \t]*(.*)$/im.exec(part)?.[1]));
  // Quoted originals (the mailer-daemon shape): every Message-ID header in the text that is not the report's own.
  for (const line of text.matchAll(/^[ \t>]*Message-ID:[ \t]*(<[^<>\s]+>)/gim)) originals.push(line[1]);
  originals.push(...idsIn(m.inReplyTo), ...idsIn(m.references));
  return {
    permanent: !!permanent && !delivered,
    delivered,
    envelopeId: field('Original-Envelope-Id')?.slice(0, 100) ?? null,
    status,
    diagnostic,
    recipient,
    originalIds: [...new Set(originals.map(bracketed))].filter((id) => id !== ownId).slice(0, 50),
  };
}
