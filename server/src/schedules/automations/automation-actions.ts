import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { INTEREST_EFFECTS } from '#shared';
import { Clock } from '../../common/clock.js';
import { AppConfig } from '../../config/app-config.js';
import { Transactions } from '../../database/transactions.js';
import { Mailer } from '../../email/mailer.js';
import { updateLead } from '../../leads/leads.repository.js';
import type { ActionContext, ActionHandler, ActionResult, FieldIssue, ValidationContext } from '../actions/action-handler.js';
import { EmailAction } from '../actions/contact-actions.js';
import { applyLeadChanges, type LeadChange } from '../lead-changes.js';
import { EnrollmentsRepository } from '../enrollments.repository.js';
import { ScheduleEngine } from '../schedule-engine.js';
import type { ScheduleEntity } from '../schedule.entity.js';
import { WebhookUrls } from '../../telephony/webhooks/webhook-urls.js';
import { UsersRepository } from '../../users/users.repository.js';
import { InterestLinks } from './interest-links.js';

const TAG = /^[a-z0-9][a-z0-9 _:.-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An action that changes the lead: the changes it makes, written in one transaction. */
@Injectable() // its subclasses inherit its constructor, so its parameters' types must be recorded
abstract class LeadChangeAction implements ActionHandler {
  abstract readonly type: string;
  readonly activations = ['automatic'] as const;

  constructor(
    protected readonly tx: Transactions,
    protected readonly clock: Clock,
  ) {}

  abstract validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]>;
  protected abstract changes(config: Record<string, unknown>): LeadChange[];

  async describe(ctx: ActionContext): Promise<string> {
    return this.changes(ctx.config)
      .map((c) => (c.op === 'add_tag' ? `tag ${c.tag}` : c.op === 'remove_tag' ? `untag ${c.tag}` : c.op === 'set' ? `set ${c.field} to ${String(c.value)}` : c.op))
      .join(', ');
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const changed = applyLeadChanges(ctx.lead, this.changes(ctx.config), this.clock.now());
    if (!changed) return { kind: 'completed', outcome: 'unchanged' };
    await this.tx.run((em) => updateLead(em, { lead: changed.lead, tags: changed.tags }));
    return { kind: 'completed', outcome: 'updated', detail: await this.describe(ctx) };
  }
}

function tagIssues(config: Record<string, unknown>, prefix: string): FieldIssue[] {
  const tags = config.tags;
  if (!Array.isArray(tags) || !tags.length || tags.length > 20) return [{ field: `${prefix}.tags`, message: 'must list 1 to 20 tags' }];
  return tags.flatMap((t, i) => (typeof t === 'string' && TAG.test(t) ? [] : [{ field: `${prefix}.tags[${i}]`, message: 'must be lower-case letters, digits, space, _ : . or - (up to 64)' }]));
}

@Injectable()
export class AddTagsAction extends LeadChangeAction {
  readonly type = 'add_tags';
  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    return tagIssues(config, ctx.prefix);
  }
  protected changes(config: Record<string, unknown>): LeadChange[] {
    return (config.tags as string[]).map((tag) => ({ op: 'add_tag', tag }));
  }
}

@Injectable()
export class RemoveTagsAction extends LeadChangeAction {
  readonly type = 'remove_tags';
  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    return tagIssues(config, ctx.prefix);
  }
  protected changes(config: Record<string, unknown>): LeadChange[] {
    return (config.tags as string[]).map((tag) => ({ op: 'remove_tag', tag }));
  }
}

/** The lead becomes inactive: no schedule work runs for it and no automation fires until it is active again. */
@Injectable()
export class MarkInactiveAction extends LeadChangeAction {
  readonly type = 'mark_inactive';
  async validate(): Promise<FieldIssue[]> {
    return [];
  }
  protected changes(): LeadChange[] {
    return [{ op: 'set', field: 'lead.status', value: 'inactive' }];
  }
}

/** The lead is archived: kept with its history, out of the working lists, its enrollments ended. */
@Injectable()
export class ArchiveLeadAction extends LeadChangeAction {
  readonly type = 'archive_lead';

  constructor(
    tx: Transactions,
    clock: Clock,
    private readonly enrollments: EnrollmentsRepository,
    private readonly engine: ScheduleEngine,
  ) {
    super(tx, clock);
  }

  async validate(): Promise<FieldIssue[]> {
    return [];
  }
  protected changes(): LeadChange[] {
    return [{ op: 'set', field: 'lead.status', value: 'archived' }];
  }

  override async run(ctx: ActionContext): Promise<ActionResult> {
    const result = await super.run(ctx);
    const open = await this.enrollments.openIdsOfLead(ctx.lead.lead.id);
    for (const e of open) await this.engine.exit(e.id, 'lead archived');
    return { ...result, outcome: 'archived', detail: open.length ? `${open.length} enrollment(s) ended` : null } as ActionResult;
  }
}

/** Takes the lead out of a schedule: the one the automation belongs to, or another named by `scheduleId`. */
@Injectable()
export class RemoveFromScheduleAction implements ActionHandler {
  readonly type = 'remove_from_schedule';
  readonly activations = ['automatic'] as const;

  constructor(
    private readonly enrollments: EnrollmentsRepository,
    private readonly engine: ScheduleEngine,
  ) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    const id = config.scheduleId;
    if (id === undefined || id === null) return [];
    if (typeof id !== 'string' || !UUID.test(id)) return [{ field: `${ctx.prefix}.scheduleId`, message: 'must be a schedule id' }];
    return (await ctx.scheduleExists(id)) || id === ctx.scheduleId ? [] : [{ field: `${ctx.prefix}.scheduleId`, message: `no schedule ${id} that you may add leads to` }];
  }

  async describe(ctx: ActionContext): Promise<string> {
    return ctx.config.scheduleId ? `remove the lead from schedule ${String(ctx.config.scheduleId)}` : 'remove the lead from this schedule';
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const scheduleId = (ctx.config.scheduleId as string | undefined) ?? ctx.run?.schedule.id;
    if (!scheduleId) return { kind: 'skipped', outcome: 'no schedule', detail: 'name a schedule outside a schedule' };
    const open = await this.enrollments.openOfLeadInSchedule(scheduleId, ctx.lead.lead.id);
    if (!open) return { kind: 'completed', outcome: 'not enrolled' };
    await this.engine.exit(open.id, `removed by ${ctx.origin}`);
    return { kind: 'completed', outcome: 'removed' };
  }
}

/**
 * A notification: an email to the lead (as the email action sends it: the compliance
 * gate, unsubscribe link, once per key), optionally with "Still interested?" yes/no links
 * that are signed and expire; optionally a short summary to the schedule's coordinator
 * and watchers (off unless asked for).
 */
@Injectable()
export class NotifyAction implements ActionHandler {
  readonly type = 'notify';
  readonly activations = ['automatic'] as const;
  readonly channel = 'email' as const;

  constructor(
    private readonly users: UsersRepository,
    private readonly email: EmailAction,
    private readonly mailer: Mailer,
    private readonly links: InterestLinks,
    private readonly urls: WebhookUrls,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    const issues = await this.email.validate(config, ctx);
    const interest = config.interest as Record<string, unknown> | undefined | null;
    if (interest !== undefined && interest !== null) {
      if (typeof interest !== 'object' || Array.isArray(interest)) issues.push({ field: `${ctx.prefix}.interest`, message: 'must be an object' });
      else {
        const days = interest.expiresInDays;
        if (days !== undefined && (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 365)) issues.push({ field: `${ctx.prefix}.interest.expiresInDays`, message: 'must be a whole number of days from 1 to 365' });
        for (const k of ['onYes', 'onNo'] as const) {
          if (interest[k] !== undefined && !(INTEREST_EFFECTS as readonly string[]).includes(interest[k] as string)) issues.push({ field: `${ctx.prefix}.interest.${k}`, message: `must be one of ${INTEREST_EFFECTS.join(', ')}` });
        }
      }
    }
    const summaries = config.summaries as Record<string, unknown> | undefined | null;
    if (summaries !== undefined && summaries !== null) {
      for (const k of ['coordinator', 'watchers'] as const) {
        if (summaries[k] !== undefined && typeof summaries[k] !== 'boolean') issues.push({ field: `${ctx.prefix}.summaries.${k}`, message: 'must be true or false' });
      }
    }
    return issues;
  }

  async describe(ctx: ActionContext): Promise<string> {
    return `email the lead "${String(ctx.config.subject)}"${ctx.config.interest ? ' with "Still interested?" yes/no links' : ''}`;
  }

  /** The yes/no links for one firing (`runId`) of the automation's `action`-th action. */
  interestUrls(runId: string, action: number, expiresInDays: number): { yes: string; no: string } {
    const expiresAt = this.clock.now().getTime() + expiresInDays * 86_400_000;
    const url = (answer: 'yes' | 'no') => `${this.urls.base()}/api/interest/${this.links.token({ runId, action, answer, expiresAt })}`;
    return { yes: url('yes'), no: url('no') };
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const interest = ctx.config.interest as { expiresInDays?: number } | undefined | null;
    let body = String(ctx.config.body);
    const firing = ctx.cause.type === 'automation-run' ? ctx.cause : null;
    if (interest && firing && ctx.run) {
      const { yes, no } = this.interestUrls(firing.id, firing.action ?? 0, interest.expiresInDays ?? this.config.automations.interestLinkDays);
      body +=
        ctx.config.html === true
          ? `<p><strong>Still interested?</strong></p><p><a href="${yes}" style="padding:8px 16px;background:#1a7f37;color:#fff;text-decoration:none;border-radius:4px">Yes</a> &nbsp; <a href="${no}" style="padding:8px 16px;background:#6e7781;color:#fff;text-decoration:none;border-radius:4px">No</a></p>`
          : `\n\nStill interested?\nYes: ${yes}\nNo: ${no}`;
    }
    const result = await this.email.run({ ...ctx, config: { ...ctx.config, body } });
    const summaries = ctx.config.summaries as { coordinator?: boolean; watchers?: boolean } | undefined | null;
    if (summaries && ctx.run && (summaries.coordinator || summaries.watchers)) await this.summarize(ctx, ctx.run.schedule, summaries, result);
    return result;
  }

  /** A short note to the schedule's coordinator and/or watchers, once per firing and person. */
  private async summarize(ctx: ActionContext, schedule: ScheduleEntity, who: { coordinator?: boolean; watchers?: boolean }, result: ActionResult): Promise<void> {
    const ids = new Set<string>();
    if (who.coordinator && schedule.coordinatorId) ids.add(schedule.coordinatorId);
    if (who.watchers) for (const id of JSON.parse(schedule.watcherIds || '[]') as string[]) ids.add(id);
    if (!ids.size) return;
    const users = (await this.users.findByIds([...ids])).filter((u) => u.active);
    const l = ctx.lead.lead;
    const leadName = [l.firstName, l.lastName].filter(Boolean).join(' ') || l.email || l.id;
    const outcome = 'outcome' in result ? result.outcome : result.kind;
    const subject = `${schedule.name}: ${leadName} — ${String(ctx.config.subject).slice(0, 120)}`.replace(/[\r\n]+/g, ' ');
    const text = `${ctx.origin}\nLead: ${leadName}${l.email ? ` <${l.email}>` : ''}\nStep: ${ctx.run?.step.name ?? ctx.run?.step.type ?? ''}\nEmail: "${String(ctx.config.subject)}" (${outcome})\n`;
    // Internal notes, not messages to the lead: sent directly, not kept among the lead's emails.
    const domain = (this.config.email.from.match(/@([^>\s]+)/)?.[1] ?? 'switchboard.local').toLowerCase();
    for (const u of users) {
      await this.mailer
        .send({ from: this.config.email.from, to: u.email, subject: subject.slice(0, 300), text, messageId: `<${randomUUID()}@${domain}>` })
        .catch(() => undefined); // a summary that fails does not fail the notification
    }
  }
}
