import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type CsvError, type Options as CsvOptions, parse } from 'csv-parse';
import type { CustomFieldDefinition, ImportSettings } from '#shared';
import { Clock } from '../../common/clock.js';
import { DomainEvents } from '../../common/domain-events.js';
import { orderedId } from '../../common/ids.js';
import { JsonLogger } from '../../common/json-logger.js';
import { SettingsService } from '../../settings/settings.service.js';
import { UsersRepository } from '../../users/users.repository.js';
import type { LeadEntity } from '../lead.entity.js';
import { type LeadRecord, LeadsRepository, type LeadUpdate } from '../leads.repository.js';
import { type ImportedRow, readRow, type RowContext, startLine } from './csv-mapping.js';
import type { LeadImportEntity, LeadImportIssueEntity } from './lead-import.entity.js';
import { type ImportProgress, LeadImportRepository } from './lead-import.repository.js';

/** Records per transaction: large enough to amortise round trips, small enough to keep locks short. */
export const IMPORT_BATCH_SIZE = 500;
const LEASE_MS = 5 * 60_000;
/** The longest record accepted; an unclosed quote would otherwise swallow the rest of the file. */
const MAX_RECORD_CHARS = 64 * 1024;

/** The options every read of an import file uses, so the upload's peek and the job agree. */
export const CSV_OPTIONS: CsvOptions = {
  bom: true,
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
  info: true,
  record_delimiter: ['\r\n', '\n', '\r'],
  max_record_size: MAX_RECORD_CHARS,
};

interface Item {
  line: number;
  record: string[];
}



/**
 * Runs import jobs on this instance, one at a time. A job streams its staged file
 * through the CSV parser in batches; each batch's leads, report lines and the job's
 * counters and checkpoint commit together, fenced by the job's claim. A job left
 * running by a crashed process is picked up again at boot (when its file is here)
 * and resumes after its last committed line, so nothing is imported twice.
 */
@Injectable()
export class LeadImportRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly workerId = `${hostname().slice(0, 30)}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private chain: Promise<void> = Promise.resolve();
  private readonly pending = new Set<string>();
  private stopping = false;

  constructor(
    private readonly repo: LeadImportRepository,
    private readonly leads: LeadsRepository,
    private readonly users: UsersRepository,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
    private readonly logger: JsonLogger,
    private readonly events: DomainEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const job of await this.repo.resumable(this.clock.now())) {
      if (job.stagingPath && existsSync(job.stagingPath)) this.enqueue(job.id);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.chain;
  }

  enqueue(id: string): void {
    if (this.pending.has(id) || this.stopping) return;
    this.pending.add(id);
    this.chain = this.chain
      .then(() => this.run(id))
      .catch((e: unknown) => this.logger.error(`lead import ${id} stopped: ${e instanceof Error ? e.message : String(e)}`, e instanceof Error ? e.stack : undefined, 'LeadImport'))
      .finally(() => this.pending.delete(id));
  }

  /** Resolves when every job enqueued so far has stopped. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async run(id: string): Promise<void> {
    const now = this.clock.now();
    if (!(await this.repo.claim(id, this.workerId, now, new Date(now.getTime() + LEASE_MS)))) return;
    const job = await this.repo.find(id);
    if (!job) return;
    if (!job.stagingPath || !existsSync(job.stagingPath)) {
      await this.fail(job, 'the uploaded file is no longer on the server that received it; upload it again');
      return;
    }
    try {
      const stopped = await this.process(job, job.stagingPath);
      if (stopped) return;
      const at = this.clock.now();
      if (await this.repo.finish(id, this.workerId, { status: 'completed', error: null, finishedAt: at, updatedAt: at })) await this.discardFile(job);
    } catch (e) {
      await this.fail(job, e instanceof Error ? e.message : String(e));
    }
  }

  /** Streams the file; returns true when the job stopped early (canceled, claim lost, shutting down). */
  private async process(job: LeadImportEntity, path: string): Promise<boolean> {
    const settings = JSON.parse(job.settings ?? '{}') as ImportSettings;
    const ctx = await this.context(job, settings);
    const progress: ImportProgress = {
      rowsProcessed: job.rowsProcessed,
      rowsCreated: job.rowsCreated,
      rowsUpdated: job.rowsUpdated,
      rowsSkipped: job.rowsSkipped,
      rowsFailed: job.rowsFailed,
      committedLine: job.committedLine,
      bytesRead: job.bytesRead,
      updatedAt: job.updatedAt,
      leaseUntil: job.leaseUntil,
    };
    const file = createReadStream(path);
    const parser = parse(CSV_OPTIONS);
    file.on('error', (e) => parser.destroy(e));
    const skipped: LeadImportIssueEntity[] = [];
    parser.on('skip', (err: CsvError & { lines?: number }) => {
      const line = err.lines ?? 0;
      if (line > job.committedLine) skipped.push(this.issue(job.id, line, null, 'error', unreadable(err), null));
    });
    let header = true;
    let batch: Item[] = [];
    let parsedBytes = job.bytesRead;
    const flush = async (): Promise<boolean> => {
      const issues = skipped.splice(0);
      const ok = await this.commit(job, ctx, settings, batch, issues, progress, parsedBytes);
      batch = [];
      return ok;
    };
    try {
      for await (const { record, info } of file.pipe(parser) as AsyncIterable<{ record: string[]; info: { lines: number; bytes: number } }>) {
        parsedBytes = info.bytes;
        if (header) {
          header = false;
          continue;
        }
        const line = startLine(info.lines, record);
        // A row of empty cells (",,,," as spreadsheets export them) is a blank line.
        if (line <= job.committedLine || record.every((c) => c.trim() === '')) continue;
        batch.push({ line, record });
        if (batch.length >= IMPORT_BATCH_SIZE && (!(await flush()) || this.stopping)) return true;
      }
      parsedBytes = job.fileBytes;
      return !(await flush());
    } finally {
      file.destroy();
    }
  }

  /** Turns one batch into leads and report lines and commits it; false when the job is no longer ours. */
  private async commit(
    job: LeadImportEntity,
    ctx: RowContext,
    settings: ImportSettings,
    items: Item[],
    issues: LeadImportIssueEntity[],
    progress: ImportProgress,
    bytesRead: number,
  ): Promise<boolean> {
    const width = ctx.headers.length;
    const rows: Array<{ line: number; row: ImportedRow }> = [];
    let failed = issues.length;
    for (const { line, record } of items) {
      if (record.length !== width) {
        issues.push(this.issue(job.id, line, null, 'error', `has ${record.length} fields; the header has ${width}`, record.join(',')));
        failed++;
        continue;
      }
      const read = readRow(record, ctx);
      if (!read.ok) {
        for (const i of read.issues) issues.push(this.issue(job.id, line, i.column, 'error', i.reason, i.value));
        failed++;
        continue;
      }
      rows.push({ line, row: read.row });
    }

    const now = this.clock.now();
    const created: LeadRecord[] = [];
    const updates = new Map<string, LeadUpdate>();
    let skippedRows = 0;
    let updatedRows = 0;
    if (settings.dedupe === 'allow') {
      for (const r of rows) created.push(this.newLead(r.row, settings, now, job));
    } else {
      const keysOf = (row: ImportedRow) => (row.phones.length ? row.phones.map((p) => p.e164) : row.email ? [row.email] : []);
      const found = await this.repo.findDuplicates(
        [...new Set(rows.flatMap((r) => r.row.phones.map((p) => p.e164)))],
        [...new Set(rows.filter((r) => !r.row.phones.length && r.row.email).map((r) => r.row.email as string))],
      );
      const existing = new Map<string, { leadId: string; line?: number }>();
      for (const f of found) if (!existing.has(f.key)) existing.set(f.key, { leadId: f.leadId });
      const records = new Map<string, LeadRecord>();
      if (settings.dedupe === 'update') {
        for (const r of await this.leads.findByIds([...new Set(found.map((f) => f.leadId))])) records.set(r.lead.id, r);
      }
      for (const { line, row } of rows) {
        const keys = keysOf(row);
        const key = keys.find((k) => existing.has(k));
        const match = key ? existing.get(key) : undefined;
        if (!match) {
          const record = this.newLead(row, settings, now, job);
          created.push(record);
          records.set(record.lead.id, record);
          for (const k of keys) existing.set(k, { leadId: record.lead.id, line });
          continue;
        }
        if (settings.dedupe === 'skip') {
          const what = match.line ? `line ${match.line} of this file` : `lead ${match.leadId}`;
          issues.push(this.issue(job.id, line, null, 'skipped', `duplicate of ${what} (matched ${key})`, null, match.leadId));
          skippedRows++;
          continue;
        }
        const target = records.get(match.leadId);
        if (!target) continue;
        merge(target, row, now, job.createdBy);
        for (const k of keysOf(row)) if (!existing.has(k)) existing.set(k, match);
        if (!created.includes(target)) updates.set(target.lead.id, target);
        updatedRows++;
      }
    }

    const lines = [...items.map((i) => i.line), ...issues.map((i) => i.line)];
    progress.rowsProcessed += items.length;
    progress.rowsCreated += created.length;
    progress.rowsUpdated += updatedRows;
    progress.rowsSkipped += skippedRows;
    progress.rowsFailed += failed;
    progress.committedLine = Math.max(progress.committedLine, ...lines);
    progress.bytesRead = Math.min(bytesRead, job.fileBytes);
    progress.updatedAt = now;
    progress.leaseUntil = new Date(now.getTime() + LEASE_MS);
    const committed = await this.repo.commitBatch(job.id, this.workerId, { created, updated: [...updates.values()], issues, progress: { ...progress } });
    // The importing user changed the existing leads: work delegated by their fields (or by Last Modified By) follows.
    if (committed) for (const leadId of updates.keys()) await this.events.emit('lead.updated', { leadId, actorId: job.createdBy, at: now });
    return committed;
  }

  /**
   * A lead the file makes: the importing user is its Created By, and the job its import.
   * Only a lead the import makes is marked: one a later import merges into (dedupe
   * `update`) keeps the import that made it, so each lead belongs to one import, its first.
   */
  private newLead(row: ImportedRow, settings: ImportSettings, now: Date, job: LeadImportEntity): LeadRecord {
    const d = settings.defaults ?? {};
    const authorId = job.createdBy;
    const lead: LeadEntity = {
      id: randomUUID(),
      firstName: row.firstName ?? null,
      lastName: row.lastName ?? null,
      company: row.company ?? null,
      email: row.email ?? null,
      phone: row.phones[0]?.e164 ?? null,
      timezone: row.timezone ?? null,
      region: row.region ?? null,
      ownerId: row.ownerId ?? d.ownerId ?? null,
      status: row.status ?? d.status ?? 'new',
      customFields: JSON.stringify(row.customFields),
      instantDial: false,
      lastContactedAt: null,
      lastContactedMode: 'not_contacted',
      lastActivityAt: null,
      lastActivityType: null,
      createdBy: authorId,
      updatedBy: authorId,
      importId: job.id,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    return { lead, phones: row.phones, tags: [...new Set([...row.tags, ...(d.tags ?? [])])].slice(0, 50) };
  }

  private async context(job: LeadImportEntity, settings: ImportSettings): Promise<RowContext> {
    const [account, defs, users] = await Promise.all([this.settings.get(), this.leads.listCustomFields(), this.users.list()]);
    const owners = new Map<string, string>();
    for (const u of users.filter((u) => u.active)) {
      owners.set(u.id, u.id);
      owners.set(u.email.toLowerCase(), u.id);
    }
    const customFields = new Map<string, CustomFieldDefinition>(
      defs.map((d) => [d.key, { key: d.key, label: d.label, type: d.type as CustomFieldDefinition['type'], ...(d.options ? { options: JSON.parse(d.options) as string[] } : {}) }]),
    );
    return { headers: JSON.parse(job.headers) as string[], settings, defaultCountry: account.defaultCountry, customFields, owners };
  }

  private issue(importId: string, line: number, column: string | null, kind: 'error' | 'skipped', reason: string, value: string | null, leadId: string | null = null): LeadImportIssueEntity {
    // Ordered ids: a line's problems list in the order they were found (column order).
    return { id: orderedId(), importId, line, column, kind, reason: reason.slice(0, 500), value: value === null ? null : value.slice(0, 200), leadId };
  }

  private async fail(job: LeadImportEntity, message: string): Promise<void> {
    const at = this.clock.now();
    await this.repo.finish(job.id, this.workerId, { status: 'failed', error: message.slice(0, 1000), finishedAt: at, updatedAt: at });
  }

  private async discardFile(job: LeadImportEntity): Promise<void> {
    if (job.stagingPath) await unlink(job.stagingPath).catch(() => undefined);
    await this.repo.clearStaging(job.id);
  }
}

/** Applies a row to an existing lead: cells with values replace fields; numbers and tags are added; the importing user is its last modifier. */
function merge(target: LeadRecord, row: ImportedRow, now: Date, authorId: string | null): void {
  const l = target.lead;
  if (row.firstName !== undefined) l.firstName = row.firstName;
  if (row.lastName !== undefined) l.lastName = row.lastName;
  if (row.company !== undefined) l.company = row.company;
  if (row.email !== undefined) l.email = row.email;
  if (row.timezone !== undefined) l.timezone = row.timezone;
  if (row.region !== undefined) l.region = row.region;
  if (row.status !== undefined) l.status = row.status;
  if (row.ownerId !== undefined) l.ownerId = row.ownerId;
  if (Object.keys(row.customFields).length) l.customFields = JSON.stringify({ ...(JSON.parse(l.customFields) as object), ...row.customFields });
  for (const p of row.phones) if (!target.phones.some((q) => q.e164 === p.e164) && target.phones.length < 10) target.phones.push(p);
  l.phone = target.phones[0]?.e164 ?? null;
  target.tags = [...new Set([...target.tags, ...row.tags])].slice(0, 50);
  l.updatedAt = now;
  l.updatedBy = authorId;
}

/** A parser error in words a person fixing the file understands. */
function unreadable(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed, so the rest of the file could not be read';
    case 'CSV_MAX_RECORD_SIZE':
      return `the record is longer than ${MAX_RECORD_CHARS} characters (an unclosed quote?)`;
    default:
      return `could not be read as CSV: ${err.message}`;
  }
}
