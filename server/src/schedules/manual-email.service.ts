import { Injectable } from '@nestjs/common';
import { type AccessClaims, EMAIL_WENT_OUT, type EmailDraftView, type EmailMessageView, type EmailStatus, ErrorCode, type FieldError } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { ContactPolicy } from '../compliance/contact-policy.js';
import { EmailMessagesRepository } from '../email/email-messages.repository.js';
import { toEmailView } from '../email/email-sender.js';
import { stepContext } from './actions/action-handler.js';
import { addressOf, EmailAction, isEmailAddress, type ManualEmail } from './actions/contact-actions.js';
import type { SendEmailDto } from './dto/schedule.dto.js';
import { stepConfig } from './schedule-codec.js';
import { ScheduleEngine } from './schedule-engine.js';

/** Statuses a manual step can still be worked from. */
const OPEN = ['pending', 'due', 'deferred', 'in_progress'];
const MAX_RECIPIENTS = 20;

/**
 * A manual email step sent by its agent (the softphone's composer, or an integrator):
 * the draft to start from, then the send through the same path as the automatic step,
 * after the same compliance gate; a sent email completes the step the engine's way.
 */
@Injectable()
export class ManualEmailService {
  constructor(
    private readonly engine: ScheduleEngine,
    private readonly email: EmailAction,
    private readonly messages: EmailMessagesRepository,
    private readonly policy: ContactPolicy,
    private readonly clock: Clock,
  ) {}

  async draft(id: string, actor: AccessClaims): Promise<EmailDraftView> {
    const loaded = await this.emailStep(id, actor);
    this.assertOpen(loaded);
    return this.email.draft(stepContext(loaded, loaded.lead, stepConfig(loaded.step), this.clock.now()));
  }

  async send(id: string, dto: SendEmailDto, actor: AccessClaims): Promise<EmailMessageView> {
    const loaded = await this.emailStep(id, actor);
    const earlier = await this.messages.ofAction(id);
    // Sent already (a repeated POST, or one whose answer was lost): nothing goes again; the step is completed if it is not yet.
    const sent = earlier.find((m) => EMAIL_WENT_OUT.includes(m.status as EmailStatus));
    if (sent) {
      if (OPEN.includes(loaded.action.status)) await this.complete(loaded, actor);
      return toEmailView(sent);
    }
    if (earlier.some((m) => m.status === 'sending')) throw new DomainError(ErrorCode.Conflict, 'This email is being sent already');
    this.assertOpen(loaded);

    const now = this.clock.now();
    const ctx = stepContext(loaded, loaded.lead, stepConfig(loaded.step), now);
    const mail = this.checked(dto, this.email.senders(ctx), ctx.config.from);
    // The gate on the address written to, and the lead's own email's opt-outs if that is another address.
    const scope = { type: 'schedule' as const, id: loaded.schedule.id };
    const decision = await this.policy.check({ lead: loaded.lead.lead }, 'email', now, { scope, address: mail.to, recordAs: 'email:participant-action' });
    const own = loaded.lead.lead.email;
    const ownDecision = own && addressOf(own) !== addressOf(mail.to) ? await this.policy.check({ lead: loaded.lead.lead }, 'email', now, { scope, address: own }) : null;
    const refusal = [decision, ownDecision].find((d) => d && !d.allowed);
    if (refusal) {
      throw new DomainError(ErrorCode.ContactRefused, `The lead may not be emailed now: ${refusal.reasons.map((r) => r.message).join('; ')}`, undefined, undefined, refusal);
    }

    // One key per attempt: a failed attempt keeps its row, and the next try writes its own.
    const key = earlier.length ? `pa:${id}:${earlier.length + 1}` : `pa:${id}`;
    const out = await this.email.send(ctx, mail, key, actor.sub);
    if (out.kind === 'duplicate') throw new DomainError(ErrorCode.Conflict, 'This email is being sent already');
    if (out.kind === 'bounced') throw new DomainError(ErrorCode.EmailBounced, `The email bounced: ${out.detail}`, undefined, undefined, { email: toEmailView(out.message) });
    if (out.kind === 'failed') throw new DomainError(ErrorCode.EmailFailed, `The email could not be sent: ${out.detail}`, undefined, undefined, { email: toEmailView(out.message) });
    await this.complete(loaded, actor);
    return toEmailView(out.message);
  }

  private async complete(loaded: NonNullable<Awaited<ReturnType<ScheduleEngine['load']>>>, actor: AccessClaims): Promise<void> {
    await this.engine.finish(loaded.action, { kind: 'completed', outcome: 'sent' }, loaded, actor.sub, [loaded.action.status]);
  }

  /** Every field checked at once, each problem naming its field. */
  private checked(dto: SendEmailDto, senders: string[], stepFrom: unknown): ManualEmail {
    const problems: FieldError[] = [];
    const to = (dto.to ?? '').trim();
    if (!isEmailAddress(to) || to.includes('<')) problems.push({ field: 'to', message: 'must be an email address' });
    const list = (field: 'cc' | 'bcc'): string[] => {
      const v = (dto[field] ?? []).map((a) => a.trim());
      if (v.length > MAX_RECIPIENTS) problems.push({ field, message: `must be a list of up to ${MAX_RECIPIENTS} email addresses` });
      v.forEach((a, i) => (isEmailAddress(a) && !a.includes('<') ? null : problems.push({ field: `${field}[${i}]`, message: 'must be an email address' })));
      return v;
    };
    const cc = list('cc');
    const bcc = list('bcc');
    const replyTo = dto.replyTo?.trim() || null;
    if (replyTo && !isEmailAddress(replyTo)) problems.push({ field: 'replyTo', message: 'must be an email address' });
    const from = dto.from?.trim() || (typeof stepFrom === 'string' && stepFrom.trim() ? stepFrom.trim() : senders[0]);
    const sender = senders.find((s) => addressOf(s) === addressOf(from));
    if (!sender) problems.push({ field: 'from', message: `must be one of the senders (${senders.map(addressOf).join(', ')})` });
    const subject = (dto.subject ?? '').replace(/[\r\n]+/g, ' ').trim();
    if (!subject) problems.push({ field: 'subject', message: 'is required' });
    else if (subject.length > 300) problems.push({ field: 'subject', message: 'is longer than 300 characters' });
    else if (subject.includes('\u0000')) problems.push({ field: 'subject', message: 'must not contain NUL characters' });
    if (!(dto.body ?? '').trim()) problems.push({ field: 'body', message: 'is required' });
    else if (dto.body.includes('\u0000')) problems.push({ field: 'body', message: 'must not contain NUL characters' });
    if (problems.length) throw DomainError.invalid(problems);
    return { to, cc, bcc, replyTo, from: sender as string, subject, body: dto.body, html: dto.html === true };
  }

  private assertOpen(loaded: NonNullable<Awaited<ReturnType<ScheduleEngine['load']>>>): void {
    if (!OPEN.includes(loaded.action.status)) throw new DomainError(ErrorCode.Conflict, `The action is already ${loaded.action.status}`);
    if (loaded.enrollment.status !== 'active') throw new DomainError(ErrorCode.Conflict, `The lead's enrollment is ${loaded.enrollment.status}`);
  }

  /** The action, if the actor may work it (its owner, or an admin or supervisor) and it is an email step. */
  private async emailStep(id: string, actor: AccessClaims) {
    const loaded = await this.engine.load(id);
    if (!loaded || (actor.role === 'agent' && loaded.action.ownerId !== actor.sub)) throw DomainError.notFound('Action');
    if (loaded.step.type !== 'email' || loaded.action.type !== 'email') throw DomainError.notFound('Email step');
    if (loaded.action.activation !== 'manual') throw new DomainError(ErrorCode.Conflict, 'This email step is sent automatically');
    if (!loaded.lead || loaded.lead.lead.deletedAt) throw new DomainError(ErrorCode.Conflict, 'The lead was deleted');
    return { ...loaded, lead: loaded.lead };
  }
}
