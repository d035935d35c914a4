/** The reports a supervisor or admin can run (each is GET /api/reports/<kind>). */
export const REPORT_KINDS = ['agent-performance', 'campaign-summary', 'dispositions', 'abandon-evidence'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** How a report's rows are bucketed: the floor zone's days or hours, or (campaign summary) the hours of the day across the range. */
export const REPORT_GROUPINGS = ['day', 'hour', 'hour-of-day'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

export type ReportCell = string | number | null;

/** A report as a table: its columns in order (keys of each row) and its rows; the CSV export is the same table. */
export interface ReportTable {
  report: ReportKind;
  /** The floor's zone the range and the periods are read in. */
  zone: string;
  from: string;
  to: string;
  groupBy: ReportGrouping | 'call';
  columns: Array<{ key: string; label: string }>;
  rows: Array<Record<string, ReportCell>>;
  /** The column a chart draws (a count per period), when there is one. */
  chart?: { label: string; value: string };
  /** The JSON drill-down stops at its row limit: the CSV export has every row. */
  truncated?: boolean;
}

/** The range a scheduled report covers, counted back from the floor day it is delivered on. */
export const REPORT_RANGES = ['yesterday', 'last-7-days', 'last-30-days', 'month-to-date'] as const;
export type ReportRange = (typeof REPORT_RANGES)[number];

/** A report emailed as CSV every day at `time` (HH:MM in the floor's zone) to its recipients (user ids). */
export interface ReportSubscriptionView {
  id: string;
  report: ReportKind;
  queueId: string | null;
  agentId: string | null;
  groupBy: ReportGrouping;
  range: ReportRange;
  recipients: string[];
  time: string;
  active: boolean;
  createdBy: string;
  /** The floor day it was last delivered for (YYYY-MM-DD), or null. */
  lastSentFor: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a send went to: recipients reached, and those it failed for (tried again on the next run when scheduled). */
export interface ReportSendResult {
  sent: number;
  failed: number;
}
