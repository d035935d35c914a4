/** What a CSV column can be mapped to. `custom:<key>` targets a defined custom field. */
export const IMPORT_FIELDS = [
  'firstName',
  'lastName',
  'fullName',
  'company',
  'email',
  'phone',
  'phone:mobile',
  'phone:home',
  'phone:work',
  'phone:other',
  'timezone',
  'region',
  'status',
  'owner',
  'tags',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
export type ImportTarget = ImportField | `custom:${string}`;

/**
 * What to do with a row whose phone number (or, with no number, email) already
 * belongs to a lead: leave the lead alone, update it from the row, or import the
 * row as another lead anyway.
 */
export const DEDUPE_MODES = ['skip', 'update', 'allow'] as const;
export type DedupeMode = (typeof DEDUPE_MODES)[number];

export const IMPORT_STATUSES = ['uploaded', 'queued', 'running', 'completed', 'failed', 'canceled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export interface ImportSettings {
  /** CSV header → target; unmapped columns are ignored. */
  columns: Record<string, ImportTarget>;
  dedupe: DedupeMode;
  defaults: { status?: string; ownerId?: string; tags?: string[] };
}

export interface ImportCounts {
  /** Records read (data rows, not counting the header or blank lines). */
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

export interface LeadImportView {
  id: string;
  filename: string;
  fileBytes: number;
  fileSha256: string;
  status: ImportStatus;
  headers: string[];
  settings: ImportSettings | null;
  counts: ImportCounts;
  /** Bytes of the file read so far, and that as a share of the file (0..1). */
  bytesRead: number;
  progress: number;
  error: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The upload's answer: the job, a peek at the file, and a mapping guessed from the headers. */
export interface LeadImportUploadView extends LeadImportView {
  sample: string[][];
  suggestedColumns: Record<string, ImportTarget>;
  /** Earlier imports of a file with the same content. */
  previousImports: Array<{ id: string; status: ImportStatus; createdAt: string }>;
}

/** One line of an import's report. */
export interface ImportIssueView {
  /** Line of the file where the record starts; the header is line 1. */
  line: number;
  column: string | null;
  kind: 'error' | 'skipped';
  reason: string;
  value: string | null;
  leadId: string | null;
}
