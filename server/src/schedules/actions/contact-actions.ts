import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type ConversationView, EMAIL_WENT_OUT, type EmailDraftView, type EmailStatus, ErrorCode, type PoolPickRefusal, SMS_COMPLETE_ON } from '#shared';
import { DomainError } from '../../common/domain-error.js';
import { ContactPolicy, type GateDecision } from '../../compliance/contact-policy.js';
import { AppConfig } from '../../config/app-config.js';
import { EmailSender, replySubject, type SendOutcome, threadAfter, UNSUBSCRIBE_PLACEHOLDER } from '../../email/email-sender.js';
import type { LeadRecord } from '../../leads/leads.repository.js';
import { OutboundService } from '../../telephony/outbound/outbound.service.js';
import { WebhookUrls } from '../../telephony/webhooks/webhook-urls.js';
import { UsersRepository } from '../../users/users.repository.js';
import { type EmailMessage, EmailMessagesRepository } from '../../email/email-messages.repository.js';
import type { ScheduleEntity } from '../schedule.entity.js';
import { type MergeContext, renderTemplate, validateTemplate } from '../templates.js';
import type { ActionContext, ActionHandler, ActionResult, FieldIssue, ValidationContext } from './action-handler.js';
import { DialIntake } from '../../dialer/dial-intake.js';
import { SchedulesRepository } from '../schedules.repository.js';
import { ParticipantActionsRepository } from '../participant-actions.repository.js';

/** An address: no spaces, control characters, brackets, commas or quotes in it (nothing that could split a header). */
const EMAIL = /^[^\s\p{Cc}@<>,;"]+@[^\s\p{Cc}@<>,;"]+\.[^\s\p{Cc}@<>,;"]+$/u;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** What merge fields see: the lead, its custom fields, the owner and the schedule. */
@Injectable()
export class MergeContexts {
  constructor(private readonly users: UsersRepository) {}

  async build(lead: LeadRecord, ownerId: string | null, schedule: ScheduleEntity | null, links: MergeContext['links'] = {}): Promise<MergeContext> {
    const owner = ownerId ? await this.users.findById(ownerId) : null;
    const l = lead.lead;
    return {
      lead: { id: l.id, firstName: l.firstName, lastName: l.lastName, company: l.company, email: l.email, phone: l.phone, region: l.region, status: l.status },
      custom: JSON.parse(l.customFields || '{}') as Record<string, unknown>,
      owner: owner ? { name: owner.name, email: owner.email } : null,
      schedule: schedule ? { name: schedule.name } : null,
      links,
    };
  }
}

/**
 * The gate said no: hold until it would say yes (when it knows), or skip, as the step
 * says. Reasons that never lapse (an opt-out, a block) always skip.
 */
export function refusalResult(ctx: ActionContext, e: unknown): ActionResult | null {
  if (!(e instanceof DomainError)) return null;
  if (e.code === ErrorCode.ContactRefused) {
    const decision = e.details as GateDecision | undefined;
    const next = decision?.nextAllowedAt ? new Date(decision.nextAllowedAt) : null;
    if (ctx.onRefusal === 'hold' && next) return { kind: 'held', until: next, detail: e.message };
    return { kind: 'skipped', outcome: 'refused by compliance', detail: e.message };
  }
  if (e.code === ErrorCode.PoolExhausted) {
    // Out of caller IDs for now (daily caps, quarantine): the step waits for capacity and is tried again then.
    const back = (e.details as PoolPickRefusal | undefined)?.availableAt;
    if (back) return { kind: 'held', until: new Date(back), detail: `waiting for caller ID capacity until ${back}: ${e.message}` };
  }
  if (e.code === ErrorCode.CarrierBusy) {
    // The carrier is limiting requests: nothing was sent, and the same request later goes through.
    const at = (e.details as { retryAt?: string } | undefined)?.retryAt;
    if (at) return { kind: 'held', until: new Date(at), detail: `waiting for the carrier until ${at}: ${e.message}` };
  }
  if (e.code === ErrorCode.PoolExhausted || e.code === ErrorCode.CarrierError) return { kind: 'failed', outcome: e.code === ErrorCode.PoolExhausted ? 'no caller id' : 'carrier error', detail: e.message };
  if (e.code === ErrorCode.ValidationFailed) return { kind: 'failed', outcome: 'invalid', detail: e.message };
  return null;
}

/** The ring pool a contact uses: the schedule's, or the one an action group's action names. */
function poolOf(ctx: ActionContext, kind: 'dial' | 'sms'): string | null {
  if (ctx.run) return kind === 'dial' ? ctx.run.schedule.dialPoolId : ctx.run.schedule.smsPoolId;
  return typeof ctx.config.poolId === 'string' ? ctx.config.poolId : null;
}

/** The gate's scope: a schedule's own opt-outs and caps apply to its steps. */
function scopeOf(ctx: ActionContext): { type: 'schedule'; id: string } | undefined {
  return ctx.run ? { type: 'schedule', id: ctx.run.schedule.id } : undefined;
}

/** Dial: pushed to the owner to call (manual), placed by the engine and bridged to the owner (automatic), or put in a power-dial queue. */
@Injectable()
export class DialAction implements ActionHandler, OnModuleInit {
  readonly type = 'dial';
  readonly activations = ['manual', 'automatic'] as const;
  readonly channel = 'call' as const;

  constructor(
    private readonly outbound: OutboundService,
    private readonly intake: DialIntake,
    private readonly schedules: SchedulesRepository,
  ) {}

  /** A lead a step put in a queue is dialed only while that step is still running. */
  onModuleInit(): void {
    this.intake.whileOpen('schedule', async (actionId) => (await this.schedules.actionRefs(actionId))?.status === 'in_progress');
  }

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    const issues: FieldIssue[] = [];
    const mode = config.mode ?? 'owner';
    if (mode !== 'owner' && mode !== 'queue') issues.push({ field: `${ctx.prefix}.mode`, message: 'must be owner or queue' });
    if (mode === 'queue') {
      const queueId = str(config.queueId);
      if (!queueId) issues.push({ field: `${ctx.prefix}.queueId`, message: 'is required when mode is queue' });
      else if (!(await this.intake.queueExists(queueId))) issues.push({ field: `${ctx.prefix}.queueId`, message: `is not a dial queue (${queueId})` });
    }
    if (config.ringSeconds !== undefined && (typeof config.ringSeconds !== 'number' || config.ringSeconds < 15 || config.ringSeconds > 120)) {
      issues.push({ field: `${ctx.prefix}.ringSeconds`, message: 'must be 15 to 120 seconds' });
    }
    return issues;
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    if ((ctx.config.mode ?? 'owner') === 'queue') {
      // The power dialer takes it from here and completes the action with the call's outcome.
      const queueId = String(ctx.config.queueId);
      const added = ctx.run
        ? await this.intake.add(queueId, [ctx.lead.lead.id], { source: 'schedule', sourceId: ctx.run.action.id, priority: ctx.run.schedule.priority })
        : await this.intake.add(queueId, [ctx.lead.lead.id], { source: 'list', priority: typeof ctx.config.priority === 'number' ? ctx.config.priority : 0 });
      if (!added.length) return { kind: 'skipped', outcome: 'already queued', detail: `the lead already waits in dial queue ${queueId}` };
      // A schedule step waits for the call's outcome; a group's action is done once the lead is queued.
      return ctx.run ? { kind: 'waiting', outcome: 'queued', detail: `in dial queue ${queueId}` } : { kind: 'completed', outcome: 'queued', detail: `in dial queue ${queueId}` };
    }
    let call: ConversationView;
    try {
      call = await this.outbound.placeCall({
        leadId: ctx.lead.lead.id,
        agentId: ctx.ownerId,
        poolId: poolOf(ctx, 'dial'),
        cause: ctx.cause,
        idempotencyKey: ctx.idempotencyKey,
        ringSeconds: typeof ctx.config.ringSeconds === 'number' ? ctx.config.ringSeconds : undefined,
        gate: { scope: scopeOf(ctx) },
      });
    } catch (e) {
      const r = refusalResult(ctx, e);
      if (r) return r;
      throw e;
    }
    if (['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(call.status) || !ctx.run) return { kind: 'completed', outcome: ctx.run ? call.status : 'call placed', conversationId: call.id };
    return { kind: 'waiting', outcome: 'calling', conversationId: call.id };
  }
}

/** SMS from the schedule's SMS ring pool, its template merged for the lead. */
@Injectable()
export class SmsAction implements ActionHandler {
  readonly type = 'sms';
  readonly activations = ['automatic', 'manual'] as const;
  readonly channel = 'sms' as const;

  constructor(
    private readonly outbound: OutboundService,
    private readonly merge: MergeContexts,
  ) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    const body = config.body;
    // A manual text completes its step once sent (default) or once delivered.
    const completeOn: FieldIssue[] = config.completeOn === undefined || (SMS_COMPLETE_ON as readonly unknown[]).includes(config.completeOn) ? [] : [{ field: `${ctx.prefix}.completeOn`, message: `must be ${SMS_COMPLETE_ON.join(' or ')}` }];
    if (typeof body !== 'string' || !body.trim()) return [...completeOn, { field: `${ctx.prefix}.body`, message: 'is required' }];
    if (body.length > 1600) return [...completeOn, { field: `${ctx.prefix}.body`, message: 'is longer than 1600 characters' }];
    return [...completeOn, ...validateTemplate(body, Object.keys(ctx.customFieldTypes), `${ctx.prefix}.body`)];
  }

  async preview(ctx: ActionContext): Promise<Record<string, unknown>> {
    return { body: renderTemplate(String(ctx.config.body), await this.merge.build(ctx.lead, ctx.ownerId, ctx.run?.schedule ?? null)) };
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const body = renderTemplate(String(ctx.config.body), await this.merge.build(ctx.lead, ctx.ownerId, ctx.run?.schedule ?? null)).trim();
    if (!body) return { kind: 'skipped', outcome: 'empty message', detail: 'the template rendered to nothing for this lead' };
    try {
      const sms = await this.outbound.sendSms({
        leadId: ctx.lead.lead.id,
        agentId: ctx.ownerId,
        poolId: poolOf(ctx, 'sms'),
        body,
        cause: ctx.cause,
        idempotencyKey: ctx.idempotencyKey,
        gate: { scope: scopeOf(ctx) },
        resumeUnfinished: ctx.resumed ?? false,
      });
      if (sms.status === 'failed') return { kind: 'failed', outcome: 'carrier error', detail: sms.errorMessage ?? 'the carrier refused the message' };
      return { kind: 'completed', outcome: 'sent', conversationId: sms.id };
    } catch (e) {
      const r = refusalResult(ctx, e);
      if (r) return r;
      throw e;
    }
  }
}

/** What an agent sends for a manual email step, checked by the caller. */
export interface ManualEmail {
  to: string;
  cc: string[];
  bcc: string[];
  replyTo: string | null;
  from: string;
  subject: string;
  body: string;
  html: boolean;
}

/**
 * Email: the step's template merged for the lead; from, reply-to, cc and bcc; optionally
 * as a reply to the enrollment's previous email (In-Reply-To, References, `Re:`). The
 * automatic step and an agent's manual send both go out through `EmailSender` (unsubscribe
 * link and headers, tracking, the row written first under the action's key so a repeated
 * run or POST never sends twice).
 */
@Injectable()
export class EmailAction implements ActionHandler {
  readonly type = 'email';
  readonly activations = ['automatic', 'manual'] as const;
  readonly channel = 'email' as const;

  constructor(
    private readonly messages: EmailMessagesRepository,
    private readonly policy: ContactPolicy,
    private readonly sender: EmailSender,
    private readonly urls: WebhookUrls,
    private readonly merge: MergeContexts,
    private readonly config: AppConfig,
    private readonly actions: ParticipantActionsRepository,
  ) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    const issues: FieldIssue[] = [];
    const keys = Object.keys(ctx.customFieldTypes);
    if (typeof config.subject !== 'string' || !config.subject.trim()) issues.push({ field: `${ctx.prefix}.subject`, message: 'is required' });
    else if (config.subject.length > 300) issues.push({ field: `${ctx.prefix}.subject`, message: 'is longer than 300 characters' });
    else issues.push(...validateTemplate(config.subject, keys, `${ctx.prefix}.subject`));
    if (typeof config.body !== 'string' || !config.body.trim()) issues.push({ field: `${ctx.prefix}.body`, message: 'is required' });
    else issues.push(...validateTemplate(config.body, keys, `${ctx.prefix}.body`, { allowUnsubscribe: true }));
    if (config.html !== undefined && typeof config.html !== 'boolean') issues.push({ field: `${ctx.prefix}.html`, message: 'must be true or false' });
    if (config.replyToPrevious !== undefined && typeof config.replyToPrevious !== 'boolean') issues.push({ field: `${ctx.prefix}.replyToPrevious`, message: 'must be true or false' });
    for (const f of ['from', 'replyTo'] as const) {
      if (config[f] !== undefined && config[f] !== null && !(typeof config[f] === 'string' && isEmailAddress(String(config[f])))) {
        issues.push({ field: `${ctx.prefix}.${f}`, message: 'must be an email address' });
      }
    }
    for (const f of ['cc', 'bcc'] as const) {
      const v = config[f];
      if (v === undefined || v === null) continue;
      if (!Array.isArray(v) || v.length > 20) issues.push({ field: `${ctx.prefix}.${f}`, message: 'must be a list of up to 20 email addresses' });
      else v.forEach((a, i) => typeof a === 'string' && EMAIL.test(a) ? null : issues.push({ field: `${ctx.prefix}.${f}[${i}]`, message: 'must be an email address' }));
    }
    return issues;
  }

  async preview(ctx: ActionContext): Promise<Record<string, unknown>> {
    const m = await this.merge.build(ctx.lead, ctx.ownerId, ctx.run?.schedule ?? null, { unsubscribe: '#unsubscribe' });
    return { subject: renderTemplate(String(ctx.config.subject), m), body: renderTemplate(String(ctx.config.body), m, { escapeHtml: ctx.config.html === true }) };
  }

  /** The From addresses a manual send may use: EMAIL_FROM, EMAIL_SENDERS, and the step's own From. */
  senders(ctx: ActionContext): string[] {
    const own = str(ctx.config.from);
    const all = [...this.config.email.senders];
    if (own && !all.some((s) => addressOf(s) === addressOf(own))) all.push(own);
    return all;
  }

  /** The step's email as it would go to this lead now: what a manual step's composer starts from. */
  async draft(ctx: ActionContext): Promise<EmailDraftView> {
    const previous = await this.previous(ctx);
    const m = await this.merge.build(ctx.lead, ctx.ownerId, ctx.run?.schedule ?? null, { unsubscribe: UNSUBSCRIBE_PLACEHOLDER });
    const html = ctx.config.html === true;
    const subject = renderTemplate(String(ctx.config.subject), m).replace(/[\r\n]+/g, ' ').trim();
    return {
      actionId: ctx.run?.action.id ?? '',
      to: ctx.lead.lead.email,
      cc: (ctx.config.cc as string[] | undefined) ?? [],
      bcc: (ctx.config.bcc as string[] | undefined) ?? [],
      replyTo: str(ctx.config.replyTo),
      from: str(ctx.config.from) ?? this.config.email.from,
      senders: this.senders(ctx),
      subject: previous ? replySubject(previous.subject) : subject,
      body: renderTemplate(String(ctx.config.body), m, { escapeHtml: html }),
      html,
      inReplyTo: previous?.messageId ?? null,
    };
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const earlier = await this.messages.findByKey(ctx.idempotencyKey);
    if (earlier) return this.replayed(earlier);
    const to = ctx.lead.lead.email;
    const decision = await this.policy.check({ lead: ctx.lead.lead }, 'email', ctx.now, { scope: scopeOf(ctx), recordAs: `email:${ctx.cause.type}` });
    if (!decision.allowed || !to) {
      const reasons = decision.reasons.map((r) => r.message).join('; ') || 'the lead has no email address';
      const next = decision.nextAllowedAt ? new Date(decision.nextAllowedAt) : null;
      if (ctx.onRefusal === 'hold' && next) return { kind: 'held', until: next, detail: reasons };
      return { kind: 'skipped', outcome: 'refused by compliance', detail: reasons };
    }
    const draft = await this.draft(ctx);
    const sent = await this.send(ctx, { to, cc: draft.cc, bcc: draft.bcc, replyTo: draft.replyTo, from: draft.from, subject: draft.subject, body: draft.body, html: draft.html }, ctx.idempotencyKey, null);
    if (sent.kind === 'duplicate') {
      // Another run of this action wrote its row first: report what became of that one.
      const other = await this.messages.findByKey(ctx.idempotencyKey);
      return other ? this.replayed(other) : { kind: 'failed', outcome: 'send interrupted', detail: 'another run of this step is sending it' };
    }
    if (sent.kind === 'sent') return { kind: 'completed', outcome: 'sent' };
    return { kind: 'failed', outcome: sent.kind === 'bounced' ? 'bounced' : 'send failed', detail: sent.detail };
  }

  /** An agent's manual send of this step, under `key` (one per attempt), after the caller's checks. */
  async send(ctx: ActionContext, mail: ManualEmail, key: string, sentBy: string | null): Promise<SendOutcome> {
    const previous = await this.previous(ctx);
    const thread = previous?.messageId ? threadAfter({ messageId: previous.messageId, referencesHeader: previous.referencesHeader, threadId: previous.threadId }) : null;
    // Every email from a schedule step can be unsubscribed from, whether or not the text says so (the sender adds the link).
    return this.sender.send({
      leadId: ctx.lead.lead.id,
      to: mail.to,
      from: mail.from,
      cc: mail.cc,
      bcc: mail.bcc,
      replyTo: mail.replyTo,
      subject: mail.subject,
      body: mail.body,
      html: mail.html,
      scheduleId: ctx.run?.schedule.id ?? null,
      baseUrl: this.urls.base(),
      idempotencyKey: key,
      participantActionId: ctx.run?.action.id ?? null,
      sentBy,
      thread,
    });
  }

  /** With `replyToPrevious`, the last email sent by an earlier email step of the same enrollment. */
  private async previous(ctx: ActionContext): Promise<EmailMessage | null> {
    if (ctx.config.replyToPrevious !== true || !ctx.run) return null;
    const ids = (await this.actions.emailActionIdsOfEnrollment(ctx.run.enrollment.id)).filter((id) => id !== ctx.run?.action.id);
    const previous = await this.messages.latestSentOf(ids);
    return previous?.messageId ? previous : null;
  }

  /** A run repeated after a crash: never send twice. A send cut off mid-way is reported, not retried. */
  private replayed(earlier: EmailMessage): ActionResult {
    if (EMAIL_WENT_OUT.includes(earlier.status as EmailStatus)) return { kind: 'completed', outcome: 'sent' };
    if (earlier.status === 'bounced') return { kind: 'failed', outcome: 'bounced', detail: earlier.error ?? 'bounced' };
    return { kind: 'failed', outcome: earlier.status === 'failed' ? 'send failed' : 'send interrupted', detail: earlier.error ?? 'the send was interrupted; it was not repeated to avoid a duplicate' };
  }
}

/** The address inside `Name <addr>`, lower case. */
export function addressOf(s: string): string {
  return s.replace(/^[^<>]*<([^<>]+)>$/, '$1').trim().toLowerCase();
}

/** `addr` or `Name <addr>`. */
export function isEmailAddress(s: string): boolean {
  return !/\p{Cc}/u.test(s) && EMAIL.test(s.replace(/^[^<>]*<([^<>]+)>$/, '$1').trim());
}
