import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EMAIL_WENT_OUT, type EmailStatus, type ReportGrouping, type ReportKind, type ReportRange, type ReportSendResult, type ReportSubscriptionView } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { orderedId } from '../common/ids.js';
import { JsonLogger } from '../common/json-logger.js';
import { EmailMessagesRepository } from '../email/email-messages.repository.js';
import { EmailSender } from '../email/email-sender.js';
import { SettingsService } from '../settings/settings.service.js';
import { UsersRepository } from '../users/users.repository.js';
import type { CreateReportSubscriptionDto, UpdateReportSubscriptionDto } from './dto/report-subscription.dto.js';
import { dueDay, floorNow, minuteOf, rangeFor, timeOf } from './report-delivery.js';
import { type ReportSubscription, ReportSubscriptionsRepository } from './report-subscriptions.repository.js';
import { ReportsService } from './reports.service.js';

/** How long a claim on a subscription lasts: a process that dies while sending lets it go after this. */
const CLAIM_MS = 10 * 60_000;
/** Sends tried per recipient and day before it is given up (each under a key of its own). */
const MAX_TRIES = 5;

const toView = (s: ReportSubscription): ReportSubscriptionView => ({
  id: s.id,
  report: s.report as ReportKind,
  queueId: s.queueId,
  agentId: s.agentId,
  groupBy: s.groupBy as ReportGrouping,
  range: s.range as ReportRange,
  recipients: JSON.parse(s.recipients) as string[],
  time: timeOf(s.sendMinute),
  active: s.active,
  createdBy: s.createdBy,
  lastSentFor: s.lastSentFor,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

/**
 * Reports emailed as CSV on a schedule: the subscriptions (checked with the report's own
 * rules), and their delivery. A due subscription is claimed in one conditional statement,
 * its CSV rendered by `ReportsService.csv` (what the download gives), and one email sent per
 * recipient through `EmailSender` under a key per (subscription, day, recipient); it is
 * marked delivered for the day only once every recipient has it, else let go for the next run.
 */
@Injectable()
export class ReportSubscriptionsService {
  /** This instance, as the owner of its claims. */
  private readonly owner = randomUUID();

  constructor(
    private readonly repo: ReportSubscriptionsRepository,
    private readonly reports: ReportsService,
    private readonly users: UsersRepository,
    private readonly sender: EmailSender,
    private readonly messages: EmailMessagesRepository,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
  ) {}

  async list(): Promise<ReportSubscriptionView[]> {
    return (await this.repo.list()).map(toView);
  }

  async get(id: string): Promise<ReportSubscriptionView> {
    return toView(await this.find(id));
  }

  async create(dto: CreateReportSubscriptionDto, actorId: string): Promise<ReportSubscriptionView> {
    const now = this.clock.now();
    const row: ReportSubscription = {
      id: randomUUID(),
      report: dto.report,
      queueId: dto.queueId ?? null,
      agentId: dto.agentId ?? null,
      groupBy: dto.groupBy ?? 'day',
      range: dto.range ?? 'yesterday',
      recipients: JSON.stringify([...new Set(dto.recipients)]),
      sendMinute: minuteOf(dto.time ?? '07:00'),
      active: dto.active ?? true,
      createdBy: actorId,
      lastSentFor: null,
      claimedBy: null,
      claimedUntil: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.check(row);
    await this.repo.insert(row);
    return toView(row);
  }

  async update(id: string, dto: UpdateReportSubscriptionDto): Promise<ReportSubscriptionView> {
    const current = await this.find(id);
    const next: ReportSubscription = {
      ...current,
      ...(dto.report !== undefined && { report: dto.report }),
      ...(dto.queueId !== undefined && { queueId: dto.queueId }),
      ...(dto.agentId !== undefined && { agentId: dto.agentId }),
      ...(dto.groupBy !== undefined && { groupBy: dto.groupBy }),
      ...(dto.range !== undefined && { range: dto.range }),
      ...(dto.recipients !== undefined && { recipients: JSON.stringify([...new Set(dto.recipients)]) }),
      ...(dto.time !== undefined && { sendMinute: minuteOf(dto.time) }),
      ...(dto.active !== undefined && { active: dto.active }),
      updatedAt: this.clock.now(),
    };
    await this.check(next);
    const { id: _id, claimedBy: _by, claimedUntil: _until, lastSentFor: _last, ...patch } = next;
    await this.repo.update(id, patch);
    return toView({ ...next, lastSentFor: current.lastSentFor });
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repo.delete(id))) throw DomainError.notFound('Report subscription');
  }

  /** Sends the report now (today's range) to every recipient, leaving the schedule as it is. */
  async sendNow(id: string): Promise<ReportSendResult> {
    const s = await this.find(id);
    const { day } = floorNow(this.clock.now(), (await this.settings.get()).defaultTimezone);
    return this.deliver(s, day, `report-now:${orderedId()}`); // keys stay under 120 characters
  }

  /**
   * One pass of the schedule: every active subscription whose time has come on the floor's
   * clock and that was not delivered for today is claimed (so one instance sends it) and sent.
   * Returns how many were delivered now.
   */
  async deliverDue(): Promise<number> {
    const now = this.clock.now();
    const zone = (await this.settings.get()).defaultTimezone;
    const { day } = floorNow(now, zone);
    let delivered = 0;
    for (const s of await this.repo.notSentFor(day)) {
      if (dueDay(now, zone, s.sendMinute, s.lastSentFor) !== day) continue;
      if (!(await this.repo.claim(s.id, day, this.owner, now, new Date(now.getTime() + CLAIM_MS)))) continue;
      try {
        const result = await this.deliver(s, day, `report:${s.id}:${day}`);
        if (result.failed === 0 && (await this.repo.markSent(s.id, day, this.owner, this.clock.now()))) delivered++;
        else await this.repo.release(s.id, this.owner);
      } catch (e) {
        this.logger.warn(`report.delivery: ${s.id} for ${day}: ${(e as Error).message}`);
        await this.repo.release(s.id, this.owner).catch(() => undefined);
      }
    }
    return delivered;
  }

  /** Renders the CSV once and emails it to each recipient (active users only) under `keyBase`. */
  private async deliver(s: ReportSubscription, day: string, keyBase: string): Promise<ReportSendResult> {
    const kind = s.report as ReportKind;
    const q = { ...rangeFor(s.range as ReportRange, day), groupBy: s.groupBy as ReportGrouping, queueId: s.queueId ?? undefined, agentId: s.agentId ?? undefined, format: 'csv' as const };
    let csv = '';
    for await (const chunk of await this.reports.csv(kind, q)) csv += chunk;
    const filename = this.reports.fileName(kind, q);
    const recipients = (await this.users.findByIds(JSON.parse(s.recipients) as string[])).filter((u) => u.active);
    const result: ReportSendResult = { sent: 0, failed: 0 };
    for (const user of recipients) {
      const ok = await this.sendOnce(`${keyBase}:${user.id}`, {
        to: user.email,
        subject: `Report: ${kind} ${q.from === q.to ? q.from : `${q.from} to ${q.to}`}`,
        text: `The ${kind} report for ${q.from === q.to ? q.from : `${q.from} to ${q.to}`} (${s.range}, by ${s.groupBy}) is attached as ${filename}.\n\nYou get it because you are on its list of recipients; ask an admin or supervisor to take you off.`,
        attachments: [{ filename, content: csv, contentType: 'text/csv; charset=utf-8' }],
      });
      if (ok) result.sent++;
      else result.failed++;
    }
    return result;
  }

  /**
   * One recipient's email: under the key, then `key:2`, `key:3` … for tries after a failure, so
   * an email that went out under any of them is never sent again (a second run, a restart)
   * and one that failed is tried once more. After MAX_TRIES failed tries it is given up.
   */
  private async sendOnce(key: string, mail: { to: string; subject: string; text: string; attachments: Array<{ filename: string; content: string; contentType: string }> }): Promise<boolean> {
    for (let n = 1; n <= MAX_TRIES; n++) {
      const idempotencyKey = n === 1 ? key : `${key}:${n}`;
      const outcome = await this.sender.sendToUser({ ...mail, idempotencyKey });
      if (outcome.kind === 'sent') return true;
      if (outcome.kind === 'duplicate') {
        const earlier = await this.messages.findByKey(idempotencyKey);
        if (earlier && EMAIL_WENT_OUT.includes(earlier.status as EmailStatus)) return true;
        continue; // that try failed (or died mid-send): the next key
      }
      this.logger.warn(`report.delivery: email to ${mail.to} ${outcome.kind}: ${outcome.detail}`);
      return false;
    }
    this.logger.warn(`report.delivery: gave up on ${mail.to} after ${MAX_TRIES} tries (${key})`);
    return true;
  }

  private async find(id: string): Promise<ReportSubscription> {
    const s = await this.repo.findById(id);
    if (!s) throw DomainError.notFound('Report subscription');
    return s;
  }

  /** The report's own rules for its filters (a 400 naming the field), and recipients that are active users. */
  private async check(s: ReportSubscription): Promise<void> {
    if (s.report === 'abandon-evidence' && s.groupBy !== 'day') throw DomainError.validation('groupBy', 'the abandon evidence is by day');
    await this.reports.check(s.report as ReportKind, { groupBy: s.groupBy as ReportGrouping, queueId: s.queueId ?? undefined, agentId: s.agentId ?? undefined });
    const ids = JSON.parse(s.recipients) as string[];
    const known = new Set(await this.users.activeIds(ids));
    const unknown = ids.find((id) => !known.has(id));
    if (unknown) throw DomainError.validation('recipients', `no active user ${unknown}`);
  }
}
