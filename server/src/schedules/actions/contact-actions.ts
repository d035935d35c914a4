import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type ConversationView, ErrorCode, type PoolPickRefusal } from '#shared';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import { ContactPolicy, type GateDecision } from '../../compliance/contact-policy.js';
import { AppConfig } from '../../config/app-config.js';
import { Mailer, MailError } from '../../email/mailer.js';
import { UnsubscribeLinks } from '../../email/unsubscribe-links.js';
import { type LeadRecord, LeadsRepository } from '../../leads/leads.repository.js';
import { EmailTracking } from '../../email/email-tracking.js';
import { OutboundService } from '../../telephony/outbound/outbound.service.js';
import { WebhookUrls } from '../../telephony/webhooks/webhook-urls.js';
import { UsersRepository } from '../../users/users.repository.js';
import { type EmailMessage, EmailMessagesRepository } from '../../email/email-messages.repository.js';
import type { ScheduleEntity } from '../schedule.entity.js';
import { type MergeContext, renderTemplate, validateTemplate } from '../templates.js';
import type { ActionContext, ActionHandler, ActionResult, FieldIssue, ValidationContext } from './action-handler.js';
import { DialIntake } from '../../dialer/dial-intake.js';

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
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
export class DialAction implements ActionHandler {
  readonly type = 'dial';
  readonly activations = ['manual', 'automatic'] as const;
  readonly channel = 'call' as const;

  constructor(
    private readonly outbound: OutboundService,
    private readonly intake: DialIntake,
  ) {}

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
    if (typeof body !== 'string' || !body.trim()) return [{ field: `${ctx.prefix}.body`, message: 'is required' }];
    if (body.length > 1600) return [{ field: `${ctx.prefix}.body`, message: 'is longer than 1600 characters' }];
    return validateTemplate(body, Object.keys(ctx.customFieldTypes), `${ctx.prefix}.body`);
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

/**
 * Email over SMTP: template merged for the lead; from, reply-to, cc and bcc; an
 * unsubscribe link (and the one-click List-Unsubscribe header) that opts the address
 * out of email. The message row is written before the send under the action's key, so
 * a run repeated after a crash never sends twice.
 */
@Injectable()
export class EmailAction implements ActionHandler {
  readonly type = 'email';
  readonly activations = ['automatic', 'manual'] as const;
  readonly channel = 'email' as const;

  constructor(
    private readonly messages: EmailMessagesRepository,
    private readonly policy: ContactPolicy,
    private readonly mailer: Mailer,
    private readonly links: UnsubscribeLinks,
    private readonly urls: WebhookUrls,
    private readonly merge: MergeContexts,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly leads: LeadsRepository,
    private readonly tracking: EmailTracking,
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
    for (const f of ['from', 'replyTo'] as const) {
      if (config[f] !== undefined && config[f] !== null && !(typeof config[f] === 'string' && EMAIL.test(String(config[f]).replace(/^.*<(.+)>$/, '$1')))) {
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

  async run(ctx: ActionContext): Promise<ActionResult> {
    const messages = this.messages;
    const earlier = await messages.findByKey(ctx.idempotencyKey);
    if (earlier) {
      // A run repeated after a crash: never send twice. A send cut off mid-way is reported, not retried.
      if (earlier.status === 'sent') return { kind: 'completed', outcome: 'sent' };
      if (earlier.status === 'bounced') return { kind: 'failed', outcome: 'bounced', detail: earlier.error ?? 'bounced' };
      return { kind: 'failed', outcome: earlier.status === 'failed' ? 'send failed' : 'send interrupted', detail: earlier.error ?? 'the send was interrupted; it was not repeated to avoid a duplicate' };
    }
    const to = ctx.lead.lead.email;
    const decision = await this.policy.check({ lead: ctx.lead.lead }, 'email', ctx.now, { scope: scopeOf(ctx), recordAs: `email:${ctx.cause.type}` });
    if (!decision.allowed || !to) {
      const reasons = decision.reasons.map((r) => r.message).join('; ') || 'the lead has no email address';
      const next = decision.nextAllowedAt ? new Date(decision.nextAllowedAt) : null;
      if (ctx.onRefusal === 'hold' && next) return { kind: 'held', until: next, detail: reasons };
      return { kind: 'skipped', outcome: 'refused by compliance', detail: reasons };
    }
    const unsubscribe = this.links.url({ email: to, scheduleId: ctx.run?.schedule.id ?? null }, this.urls.base());
    const m = await this.merge.build(ctx.lead, ctx.ownerId, ctx.run?.schedule ?? null, { unsubscribe });
    const html = ctx.config.html === true;
    const subject = renderTemplate(String(ctx.config.subject), m).replace(/[\r\n]+/g, ' ').trim();
    let body = renderTemplate(String(ctx.config.body), m, { escapeHtml: html });
    // Every schedule email can be unsubscribed from, whether or not the template says so.
    if (!String(ctx.config.body).includes('unsubscribe_url')) body += html ? `<p><a href="${unsubscribe}">Unsubscribe</a></p>` : `\n\nUnsubscribe: ${unsubscribe}`;
    const id = randomUUID();
    // An HTML email reports its opens and clicks (a plain-text one cannot carry a pixel).
    if (html) body = this.tracking.instrument(body, id, this.urls.base());
    const domain = (this.config.email.from.match(/@([^>\s]+)/)?.[1] ?? 'switchboard.local').toLowerCase();
    const row: EmailMessage = {
      id,
      leadId: ctx.lead.lead.id,
      toAddress: to,
      fromAddress: str(ctx.config.from) ?? this.config.email.from,
      subject: subject.slice(0, 300),
      body,
      status: 'sending',
      messageId: null,
      idempotencyKey: ctx.idempotencyKey,
      error: null,
      participantActionId: ctx.run?.action.id ?? null,
      createdAt: this.clock.now(),
      sentAt: null,
      openedAt: null,
      clickedAt: null,
    };
    await messages.insert(row);
    try {
      const sent = await this.mailer.send({
        from: row.fromAddress,
        to,
        replyTo: str(ctx.config.replyTo),
        cc: (ctx.config.cc as string[] | undefined) ?? [],
        bcc: (ctx.config.bcc as string[] | undefined) ?? [],
        subject: row.subject,
        text: html ? body.replace(/<[^>]+>/g, '') : body,
        html: html ? body : null,
        headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        messageId: `<${row.id}@${domain}>`,
      });
      // Taken for the cc'd but refused for the lead: the lead's address bounced all the same.
      const refused = sent.rejected.find((r) => r.address.toLowerCase() === to.toLowerCase());
      if (refused) {
        const status = refused.permanent ? 'bounced' : 'failed';
        await messages.update(row.id, { status, messageId: sent.messageId, error: refused.reason.slice(0, 1000) });
        return { kind: 'failed', outcome: refused.permanent ? 'bounced' : 'send failed', detail: refused.reason };
      }
      await messages.update(row.id, { status: 'sent', messageId: sent.messageId, sentAt: this.clock.now() });
      await this.leads.touchActivity(ctx.lead.lead.id, 'email-out', this.clock.now(), true);
      return { kind: 'completed', outcome: 'sent' };
    } catch (e) {
      const permanent = e instanceof MailError && e.permanent;
      await messages.update(row.id, { status: permanent ? 'bounced' : 'failed', error: (e as Error).message.slice(0, 1000) });
      return { kind: 'failed', outcome: permanent ? 'bounced' : 'send failed', detail: (e as Error).message };
    }
  }
}

