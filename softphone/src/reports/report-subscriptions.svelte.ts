import { REPORT_KINDS, REPORT_RANGES, type ReportGrouping, type ReportKind, type ReportRange, type ReportSendResult, type ReportSubscriptionView, type UserView } from '#shared';
import { ApiError, type ApiClient } from '../lib/api.js';
import type { PageReport, ReportFilterValues } from './report-kinds.js';

/** Whether the server can email `report` (the others are only shown on the page). */
export const isEmailed = (report: PageReport): report is ReportKind => (REPORT_KINDS as readonly string[]).includes(report);

export const RANGE_LABEL: Record<ReportRange, string> = {
  yesterday: 'Yesterday',
  'last-7-days': 'Last 7 days',
  'last-30-days': 'Last 30 days',
  'month-to-date': 'Month to date',
};
export const RANGES = REPORT_RANGES;

/** What the "Email this report daily" form holds. */
export interface SubscriptionDraft {
  report: ReportKind;
  queueId: string;
  agentId: string;
  groupBy: ReportGrouping;
  range: ReportRange;
  time: string;
  recipients: string[];
}

/** The fields of a subscription the server may name in a 400. */
export type DraftField = 'range' | 'time' | 'recipients' | 'queueId' | 'agentId' | 'groupBy' | 'report';

/** The body a draft is posted as: abandon evidence takes no agent. */
export function bodyOf(d: SubscriptionDraft): Record<string, unknown> {
  return { report: d.report, queueId: d.queueId || null, agentId: d.report === 'abandon-evidence' ? null : d.agentId || null, groupBy: d.groupBy, range: d.range, time: d.time, recipients: d.recipients };
}

/**
 * The Reports page's scheduled emails: every subscription (the panel shows the chosen
 * report's), the users who may receive them, the form, and the result of each row's actions.
 */
export class ReportSubscriptions {
  all = $state<ReportSubscriptionView[]>([]);
  /** Active users, by name: who may be a recipient. */
  users = $state<UserView[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** The form, while open. */
  draft = $state<SubscriptionDraft | null>(null);
  saving = $state(false);
  /** The server's message per field for the last refused save, and one not tied to a field. */
  fieldErrors = $state<Partial<Record<DraftField, string>>>({});
  formError = $state<string | null>(null);
  /** Per subscription: a row's action under way, the last send's counts, the delete waiting for a confirm. */
  busy = $state<Record<string, boolean>>({});
  sent = $state<Record<string, ReportSendResult | string>>({});
  confirming = $state<string | null>(null);

  constructor(private readonly api: () => ApiClient) {}

  of(report: PageReport): ReportSubscriptionView[] {
    return this.all.filter((s) => s.report === report);
  }

  nameOf(userId: string): string {
    return this.users.find((u) => u.id === userId)?.name ?? 'A former user';
  }

  async load(): Promise<void> {
    const api = this.api();
    const [subs, users] = await Promise.allSettled([api.get<ReportSubscriptionView[]>('/api/reports/subscriptions'), api.get<UserView[]>('/api/users')]);
    if (subs.status === 'fulfilled') this.all = subs.value;
    if (users.status === 'fulfilled') this.users = users.value.filter((u) => u.active).sort((a, b) => a.name.localeCompare(b.name));
    const failed = [subs, users].find((r) => r.status === 'rejected');
    this.error = failed ? (failed.reason as Error).message : null;
    this.loaded = true;
  }

  /** Opens the form for `report`, prefilled from the page's filters. */
  open(report: ReportKind, f: ReportFilterValues): void {
    this.draft = { report, queueId: f.queueId, agentId: report === 'abandon-evidence' ? '' : f.agentId, groupBy: f.groupBy, range: 'yesterday', time: '07:00', recipients: [] };
    this.fieldErrors = {};
    this.formError = null;
  }

  close(): void {
    this.draft = null;
    this.fieldErrors = {};
    this.formError = null;
  }

  async save(): Promise<boolean> {
    if (!this.draft || this.saving) return false;
    this.saving = true;
    this.fieldErrors = {};
    this.formError = null;
    try {
      const created = await this.api().post<ReportSubscriptionView>('/api/reports/subscriptions', bodyOf(this.draft));
      this.all = [...this.all, created];
      this.draft = null;
      return true;
    } catch (e) {
      this.refused(e);
      return false;
    } finally {
      this.saving = false;
    }
  }

  private refused(e: unknown): void {
    if (!(e instanceof ApiError) || !e.fields.length) {
      this.formError = (e as Error).message;
      return;
    }
    const byField: Partial<Record<DraftField, string>> = {};
    const rest: string[] = [];
    for (const f of e.fields) {
      const name = f.field.split(/[.[]/)[0] as DraftField;
      if (['range', 'time', 'recipients', 'queueId', 'agentId', 'groupBy'].includes(name)) byField[name] ??= f.message;
      else rest.push(`${f.field} ${f.message}`);
    }
    this.fieldErrors = byField;
    this.formError = rest.length ? rest.join('; ') : null;
  }

  private async act(id: string, run: () => Promise<void>): Promise<void> {
    if (this.busy[id]) return;
    this.busy[id] = true;
    try {
      await run();
    } catch (e) {
      this.sent[id] = (e as Error).message;
    } finally {
      this.busy[id] = false;
    }
  }

  setActive(s: ReportSubscriptionView, active: boolean): Promise<void> {
    return this.act(s.id, async () => {
      const updated = await this.api().request<ReportSubscriptionView>(`/api/reports/subscriptions/${s.id}`, { method: 'PATCH', body: { active } });
      this.all = this.all.map((x) => (x.id === s.id ? updated : x));
    });
  }

  sendNow(s: ReportSubscriptionView): Promise<void> {
    return this.act(s.id, async () => {
      delete this.sent[s.id];
      this.sent[s.id] = await this.api().post<ReportSendResult>(`/api/reports/subscriptions/${s.id}/send-now`);
    });
  }

  remove(s: ReportSubscriptionView): Promise<void> {
    return this.act(s.id, async () => {
      await this.api().request<void>(`/api/reports/subscriptions/${s.id}`, { method: 'DELETE' });
      this.all = this.all.filter((x) => x.id !== s.id);
      this.confirming = null;
    });
  }
}
