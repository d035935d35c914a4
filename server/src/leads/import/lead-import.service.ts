import { createHash, type Hash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { csvCell } from '../../common/csv.js';
import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse';
import {
  ErrorCode,
  LEAD_STATUSES,
  type AccessClaims,
  type FieldError,
  type ImportIssueView,
  type ImportSettings,
  type ImportStatus,
  type LeadImportUploadView,
  type LeadImportView,
} from '#shared';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import { AppConfig } from '../../config/app-config.js';
import { UsersRepository } from '../../users/users.repository.js';
import { LeadsRepository } from '../leads.repository.js';
import { checkSettings, suggestColumns } from './csv-mapping.js';
import type { StartImportDto } from './lead-import.dto.js';
import type { LeadImportEntity, LeadImportIssueEntity } from './lead-import.entity.js';
import { LeadImportRepository } from './lead-import.repository.js';
import { CSV_OPTIONS, LeadImportRunner } from './lead-import.runner.js';

/** Content types a CSV upload may arrive with (spreadsheet programs and browsers differ). */
/** The types a CSV upload arrives as (browsers and tools disagree); text/csv first, as the documented one. */
export const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel', 'text/comma-separated-values'];
const SAMPLE_ROWS = 5;
/** How much of an oversized upload is read and discarded so the client sees the 413; past it the connection is cut. */
const DRAIN_BYTES = 256 * 1024 * 1024;
const TAG = /^[a-z0-9][a-z0-9 _:.-]{0,63}$/;

export interface UploadMeta {
  filename: string | undefined;
  contentType: string | undefined;
  contentLength: number | undefined;
}

class TooLarge extends Error {}

@Injectable()
export class LeadImportService {
  constructor(
    private readonly repo: LeadImportRepository,
    private readonly runner: LeadImportRunner,
    private readonly leads: LeadsRepository,
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Streams an upload to the staging directory (hashing and counting as it goes, never
   * holding the file), then peeks at its header and first rows. Nothing is imported
   * until the job is started with a mapping.
   */
  async upload(body: Readable, meta: UploadMeta, actor: AccessClaims): Promise<LeadImportUploadView> {
    const type = (meta.contentType ?? '').split(';')[0].trim().toLowerCase();
    const limit = this.config.imports.maxBytes;
    if (!CSV_TYPES.includes(type)) {
      throw new DomainError(ErrorCode.UnsupportedMediaType, `Content-Type: send the file as text/csv (got ${type || 'none'})`, [{ field: 'Content-Type', message: 'must be text/csv' }]);
    }
    if (meta.contentLength !== undefined && meta.contentLength > limit) {
      body.resume(); // discard what is still coming, so the answer reaches the client
      throw tooLarge(limit);
    }
    const filename = (meta.filename ?? 'upload.csv').replace(/[\r\n]/g, '').slice(0, 255) || 'upload.csv';

    const id = randomUUID();
    await mkdir(this.config.imports.dir, { recursive: true });
    const path = join(this.config.imports.dir, `${id}.csv`);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      bytes = await stage(body, path, limit, hash);
    } catch (e) {
      await unlink(path).catch(() => undefined);
      if (e instanceof TooLarge) throw tooLarge(limit);
      throw e;
    }

    try {
      const { headers, sample } = await this.peek(path, bytes);
      const now = this.clock.now();
      const job: LeadImportEntity = {
        id,
        filename,
        fileSha256: hash.digest('hex'),
        fileBytes: bytes,
        stagingPath: path,
        status: 'uploaded',
        headers: JSON.stringify(headers),
        settings: null,
        bytesRead: 0,
        rowsProcessed: 0,
        rowsCreated: 0,
        rowsUpdated: 0,
        rowsSkipped: 0,
        rowsFailed: 0,
        committedLine: 0,
        error: null,
        workerId: null,
        leaseUntil: null,
        createdBy: actor.sub,
        createdAt: now,
        updatedAt: now,
        startedAt: null,
        finishedAt: null,
      };
      await this.repo.insert(job);
      const defs = await this.customFields();
      const previous = await this.repo.findSameFile(job.fileSha256, id);
      return {
        ...toView(job),
        sample,
        suggestedColumns: suggestColumns(headers, defs),
        previousImports: previous.map((p) => ({ id: p.id, status: p.status as ImportStatus, createdAt: p.createdAt.toISOString() })),
      };
    } catch (e) {
      await unlink(path).catch(() => undefined);
      throw e;
    }
  }

  /** Checks the mapping against the file and the account, then queues the job. */
  async start(id: string, input: StartImportDto): Promise<LeadImportView> {
    const job = await this.find(id);
    if (job.status !== 'uploaded') throw new DomainError(ErrorCode.Conflict, `This import is ${job.status}; only an uploaded file can be started`);
    const settings: ImportSettings = {
      columns: input.columns,
      dedupe: input.dedupe ?? 'skip',
      defaults: { status: input.defaults?.status, ownerId: input.defaults?.ownerId, tags: input.defaults?.tags?.map((t) => t.trim().toLowerCase()) },
    };
    const problems = checkSettings(JSON.parse(job.headers) as string[], settings, await this.customFields());
    await this.checkDefaults(settings.defaults, problems);
    if (problems.length) throw new DomainError(ErrorCode.ValidationFailed, problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
    if (!(await this.repo.queue(id, JSON.stringify(settings), this.clock.now()))) {
      throw new DomainError(ErrorCode.Conflict, 'This import was started or canceled meanwhile');
    }
    this.runner.enqueue(id);
    return this.get(id);
  }

  /** Runs a failed job again from its last committed line. */
  async resume(id: string): Promise<LeadImportView> {
    const job = await this.find(id);
    if (job.status !== 'failed') throw new DomainError(ErrorCode.Conflict, `This import is ${job.status}; only a failed import can be resumed`);
    if (!job.stagingPath) throw new DomainError(ErrorCode.Conflict, 'The uploaded file is gone; upload it again');
    await this.repo.requeue(id, this.clock.now());
    this.runner.enqueue(id);
    return this.get(id);
  }

  async cancel(id: string): Promise<LeadImportView> {
    const job = await this.find(id);
    if (!(await this.repo.cancel(id, this.clock.now()))) throw new DomainError(ErrorCode.Conflict, `This import is already ${job.status}`);
    if (job.stagingPath) await unlink(job.stagingPath).catch(() => undefined);
    await this.repo.clearStaging(id);
    return this.get(id);
  }

  async get(id: string): Promise<LeadImportView> {
    return toView(await this.find(id));
  }

  async list(limit: number, offset: number): Promise<LeadImportView[]> {
    return (await this.repo.list(limit, offset)).map(toView);
  }

  async issues(id: string, kind: 'error' | 'skipped' | undefined, limit: number, offset: number): Promise<ImportIssueView[]> {
    await this.find(id);
    return (await this.repo.issues(id, kind, limit, offset)).map(toIssueView);
  }

  /** The whole report as CSV lines, read from the database a page at a time. */
  async *reportCsv(id: string): AsyncGenerator<string> {
    await this.find(id);
    yield 'line,column,kind,reason,value,lead_id\r\n';
    for (let offset = 0; ; offset += 1000) {
      const page = await this.repo.issues(id, undefined, 1000, offset);
      for (const i of page) yield [String(i.line), i.column ?? '', i.kind, i.reason, i.value ?? '', i.leadId ?? ''].map(csvCell).join(',') + '\r\n';
      if (page.length < 1000) return;
    }
  }

  private async find(id: string): Promise<LeadImportEntity> {
    const job = await this.repo.find(id);
    if (!job) throw DomainError.notFound('Import');
    return job;
  }

  private async customFields() {
    return (await this.leads.listCustomFields()).map((d) => ({ key: d.key, label: d.label, type: d.type as 'text', ...(d.options ? { options: JSON.parse(d.options) as string[] } : {}) }));
  }

  private async checkDefaults(d: ImportSettings['defaults'], problems: FieldError[]): Promise<void> {
    if (d.status !== undefined && !(LEAD_STATUSES as readonly string[]).includes(d.status)) {
      problems.push({ field: 'defaults.status', message: `must be one of ${LEAD_STATUSES.join(', ')}` });
    }
    if (d.ownerId) {
      const owner = await this.users.findById(d.ownerId);
      if (!owner || !owner.active) problems.push({ field: 'defaults.ownerId', message: 'is not an active user' });
    }
    (d.tags ?? []).forEach((t, i) => {
      if (!TAG.test(t)) problems.push({ field: `defaults.tags[${i}]`, message: 'must be 1-64 lowercase letters, digits, spaces or _:.-' });
    });
  }

  /** Reads the header and a few rows; refuses files that are not CSV text or have no header. */
  private async peek(path: string, bytes: number): Promise<{ headers: string[]; sample: string[][] }> {
    if (bytes === 0) throw DomainError.validation('file', 'is empty');
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(Math.min(bytes, 8192));
      await handle.read(head, 0, head.length, 0);
      if (head.includes(0)) throw new DomainError(ErrorCode.UnsupportedMediaType, 'file: is not CSV text (it holds binary data; export the sheet as CSV)', [{ field: 'file', message: 'is not CSV text' }]);
    } finally {
      await handle.close();
    }
    const records: string[][] = [];
    const file = createReadStream(path);
    try {
      for await (const { record } of file.pipe(parse(CSV_OPTIONS)) as AsyncIterable<{ record: string[] }>) {
        records.push(record);
        if (records.length > SAMPLE_ROWS) break;
      }
    } finally {
      file.destroy();
    }
    const raw = records[0]?.map((h) => h.trim()) ?? [];
    if (!raw.some(Boolean)) throw DomainError.validation('file', 'has no header row (the first line must name the columns)');
    return { headers: uniqueHeaders(raw), sample: records.slice(1) };
  }
}

/** Names blank header cells by position and tells repeated names apart, so each column can be mapped by name. */
export function uniqueHeaders(raw: string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((h, i) => {
    const base = h || `column ${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

/**
 * Writes the body to `path` with backpressure, hashing it. Past the limit it stops
 * writing but keeps reading (up to a bound) so the client gets the 413 rather than
 * a reset connection.
 */
function stage(body: Readable, path: string, limit: number, hash: Hash): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    let bytes = 0;
    let over = false;
    const fail = (e: unknown) => {
      out.destroy();
      reject(e);
    };
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (over) {
        if (bytes > Math.max(limit * 4, DRAIN_BYTES)) body.destroy();
        return;
      }
      if (bytes > limit) {
        over = true;
        out.destroy();
        return;
      }
      hash.update(chunk);
      if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    });
    let ended = false;
    body.on('end', () => {
      ended = true;
      if (over) reject(new TooLarge());
      else out.end(() => resolve(bytes));
    });
    body.on('close', () => {
      if (!ended) fail(over ? new TooLarge() : DomainError.validation('file', 'the upload was interrupted before it ended'));
    });
    body.on('error', fail);
    out.on('error', (e) => !over && fail(e));
  });
}

function tooLarge(limit: number): DomainError {
  const mib = Math.round((limit / 1048576) * 10) / 10;
  return new DomainError(ErrorCode.PayloadTooLarge, `file: is larger than the ${mib} MiB limit (IMPORT_MAX_BYTES); split it into smaller files`, [
    { field: 'file', message: `is larger than ${limit} bytes` },
  ]);
}

function toView(j: LeadImportEntity): LeadImportView {
  return {
    id: j.id,
    filename: j.filename,
    fileBytes: j.fileBytes,
    fileSha256: j.fileSha256,
    status: j.status as ImportStatus,
    headers: JSON.parse(j.headers) as string[],
    settings: j.settings ? (JSON.parse(j.settings) as ImportSettings) : null,
    counts: { processed: j.rowsProcessed, created: j.rowsCreated, updated: j.rowsUpdated, skipped: j.rowsSkipped, failed: j.rowsFailed },
    bytesRead: j.bytesRead,
    progress: j.status === 'completed' ? 1 : j.fileBytes ? Math.round((j.bytesRead / j.fileBytes) * 1000) / 1000 : 0,
    error: j.error,
    createdBy: j.createdBy,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}

function toIssueView(i: LeadImportIssueEntity): ImportIssueView {
  return { line: i.line, column: i.column, kind: i.kind as ImportIssueView['kind'], reason: i.reason, value: i.value, leadId: i.leadId };
}
