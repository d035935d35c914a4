import type { ReportKind, ReportSendResult, ReportSubscriptionView, UserView } from '#shared';
import { ApiError, type ApiClient } from '../lib/api.js';
import type { PageReport, ReportFilterValues } from './report-kinds.js';
import { bodyOf, type DraftField, draftOf, refusalOf, type SubscriptionDraft } from './report-subscription-form.js';

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
  /** The server's message per field for the last refused save, and the rest of it. */
  fieldErrors = $state<Partial<Record<DraftField, string>>>({});
  formError = $state<string | null>(null);
  /** Per subscription: a row's action under way, the last send's counts (or why it failed), the delete waiting for a confirm. */
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
    this.draft = draftOf(report, f);
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
      if (e instanceof ApiError && e.fields.length) ({ byField: this.fieldErrors, rest: this.formError } = refusalOf(e.fields));
      else this.formError = (e as Error).message;
      return false;
    } finally {
      this.saving = false;
    }
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
