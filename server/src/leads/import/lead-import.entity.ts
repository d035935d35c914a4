import { Column, Entity, Index } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../../database/columns.js';

/**
 * A CSV import of leads. The upload is staged on the instance's disk; the job then
 * streams it in batches, each committed together with its issues and the checkpoint
 * (`committed_line`), so a re-run after a crash resumes where the last batch ended.
 */
@Entity('lead_imports')
@Index('ix_lead_imports_created', ['createdAt'])
@Index('ix_lead_imports_sha', ['fileSha256'])
export class LeadImportEntity {
  @IdColumn()
  id: string;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ name: 'file_sha256', type: 'varchar', length: 64 })
  fileSha256: string;

  @Column({ name: 'file_bytes', type: 'int' })
  fileBytes: number;

  /** Where the upload is staged; null once the job has finished and the file was removed. */
  @Column({ name: 'staging_path', type: 'varchar', length: 500, nullable: true })
  stagingPath: string | null;

  /** uploaded | queued | running | completed | failed | canceled */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  /** The header row, as a JSON array of strings. */
  @Column({ type: 'text' })
  headers: string;

  /** Column mapping and options chosen at start, as JSON. */
  @Column({ type: 'text', nullable: true })
  settings: string | null;

  @Column({ name: 'total_bytes_read', type: 'int', default: 0 })
  bytesRead: number;

  @Column({ name: 'rows_processed', type: 'int', default: 0 })
  rowsProcessed: number;

  @Column({ name: 'rows_created', type: 'int', default: 0 })
  rowsCreated: number;

  @Column({ name: 'rows_updated', type: 'int', default: 0 })
  rowsUpdated: number;

  @Column({ name: 'rows_skipped', type: 'int', default: 0 })
  rowsSkipped: number;

  @Column({ name: 'rows_failed', type: 'int', default: 0 })
  rowsFailed: number;

  /** The last file line whose record is committed; a resumed job skips records up to it. */
  @Column({ name: 'committed_line', type: 'int', default: 0 })
  committedLine: number;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error: string | null;

  /** The instance running the job and until when its claim holds. */
  @Column({ name: 'worker_id', type: 'varchar', length: 64, nullable: true })
  workerId: string | null;

  @InstantColumn({ name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  @RefColumn({ name: 'created_by', nullable: true })
  createdBy: string | null;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;

  @InstantColumn({ name: 'started_at', nullable: true })
  startedAt: Date | null;

  @InstantColumn({ name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}

/** One line of an import's report: a row that failed, or one skipped as a duplicate. */
@Entity('lead_import_issues')
@Index('ix_lead_import_issues_import', ['importId', 'line'])
export class LeadImportIssueEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'import_id' })
  importId: string;

  /** Line of the file where the record starts (the header is line 1). */
  @Column({ type: 'int' })
  line: number;

  /** The CSV column concerned, when there is one. */
  @Column({ name: 'column_name', type: 'varchar', length: 200, nullable: true })
  column: string | null;

  /** error | skipped */
  @Column({ type: 'varchar', length: 10 })
  kind: string;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  value: string | null;

  /** For a duplicate: the existing lead it matched. */
  @RefColumn({ name: 'lead_id', nullable: true })
  leadId: string | null;
}
