import type { DialQueueView, ImportPenetrationView, LeadImportView, ListPenetrationView, ReportTable, ScheduleReportView, ScheduleView, UserView } from '#shared';
import type { ApiClient } from '../lib/api.js';
import { type ConsentAuditPage, DEFAULT_ABANDON_CAP_PCT, fromConsentAudit, fromReportTable, fromScheduleReport, groupingsOf, missingChoice, type PageReport, type ReportFilterValues, type ReportView, requestOf, tableCsv } from './report-kinds.js';
import { quickRange, type QuickRange } from './report-days.js';
import { fromImportPenetration, fromPenetration } from './report-penetration.js';

/**
 * The Reports page's state: the report picked, its filters, the lists the selects offer
 * (queues, agents, schedules, lead imports, the floor's zone), and the answer. A request that a newer
 * one overtook is dropped when it lands.
 */
export class ReportsPage {
  report = $state<PageReport>('agent-performance');
  filters = $state<ReportFilterValues>({ from: '', to: '', queueId: '', importId: '', agentId: '', scheduleId: '', groupBy: 'day', perCall: false, auditKind: 'consent' });
  queues = $state<DialQueueView[]>([]);
  agents = $state<UserView[]>([]);
  schedules = $state<ScheduleView[]>([]);
  /** The CSV imports that made leads, newest first (list penetration per import). */
  imports = $state<LeadImportView[]>([]);
  /** The floor's zone, once the settings are read (the browser's until then). */
  zone = $state<string | null>(null);
  view = $state<ReportView | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  downloading = $state(false);
  private seq = 0;
  private abort: AbortController | null = null;

  constructor(private readonly api: () => ApiClient) {}

  /** What the report still needs before it runs, or null. */
  readonly missing = $derived(missingChoice(this.report, this.filters));
  readonly request = $derived(requestOf(this.report, this.filters));

  /** Reads the lists the filters pick from and the floor's zone, and sets the range to today there. */
  async start(): Promise<void> {
    const api = this.api();
    const [settings, queues, users, schedules, imports] = await Promise.allSettled([
      api.get<{ defaultTimezone: string }>('/api/settings'),
      api.get<DialQueueView[]>('/api/dial-queues'),
      api.get<UserView[]>('/api/users'),
      api.get<ScheduleView[]>('/api/schedules'),
      api.get<LeadImportView[]>('/api/lead-imports?limit=200'),
    ]);
    if (settings.status === 'fulfilled') this.zone = settings.value.defaultTimezone;
    if (queues.status === 'fulfilled') this.queues = queues.value;
    if (users.status === 'fulfilled') this.agents = users.value.filter((u) => u.role === 'agent').sort((a, b) => a.name.localeCompare(b.name));
    if (schedules.status === 'fulfilled') this.schedules = schedules.value;
    if (imports.status === 'fulfilled') this.imports = imports.value.filter((i) => i.counts.created > 0);
    const failed = [settings, queues, users, schedules, imports].find((r) => r.status === 'rejected');
    if (failed) this.error = (failed.reason as Error).message;
    if (!this.filters.from) this.pick('today');
  }

  pick(range: QuickRange): void {
    Object.assign(this.filters, quickRange(range, this.zone));
  }

  choose(report: PageReport): void {
    this.report = report;
    if (!groupingsOf(report).includes(this.filters.groupBy)) this.filters.groupBy = 'day';
    if (report === 'list-penetration' && !this.filters.queueId) this.filters.queueId = this.queues.find((q) => q.active)?.id ?? this.queues[0]?.id ?? '';
    if (report === 'schedule' && !this.filters.scheduleId) this.filters.scheduleId = this.schedules[0]?.id ?? '';
  }

  /** Runs the report as the filters stand. */
  async load(): Promise<void> {
    const report = this.report;
    const filters = { ...this.filters };
    const seq = ++this.seq;
    this.abort?.abort();
    if (missingChoice(report, filters)) {
      this.view = null;
      this.loading = false;
      return;
    }
    const abort = (this.abort = new AbortController());
    this.loading = true;
    this.error = null;
    try {
      const view = await this.fetchView(report, filters, abort.signal);
      if (seq !== this.seq) return;
      this.view = view;
    } catch (e) {
      if (seq !== this.seq) return;
      this.view = null;
      this.error = (e as Error).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  private async fetchView(report: PageReport, f: ReportFilterValues, signal: AbortSignal): Promise<ReportView> {
    const api = this.api();
    const { path } = requestOf(report, f);
    switch (report) {
      case 'list-penetration':
        return f.queueId ? fromPenetration(await api.get<ListPenetrationView>(path, { signal })) : fromImportPenetration(await api.get<ImportPenetrationView>(path, { signal }));
      case 'consent-audit':
        return fromConsentAudit(await api.get<ConsentAuditPage>(path, { signal }), f.from, f.to);
      case 'schedule':
        return fromScheduleReport(await api.get<ScheduleReportView>(path, { signal }));
      default: {
        const cap = this.queues.find((q) => q.id === f.queueId)?.abandonCapPct ?? DEFAULT_ABANDON_CAP_PCT;
        return fromReportTable(report, await api.get<ReportTable>(path, { signal }), cap);
      }
    }
  }

  /** Saves the report as CSV: the server's export where there is one, else the rows the table holds. */
  async download(): Promise<void> {
    if (this.downloading) return;
    const { csvPath, fileName } = this.request;
    this.downloading = true;
    try {
      let blob: Blob;
      if (csvPath) blob = await this.api().download(csvPath);
      else if (this.view) blob = new Blob([tableCsv(this.view)], { type: 'text/csv;charset=utf-8' });
      else return;
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 0);
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.downloading = false;
    }
  }
}
