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
