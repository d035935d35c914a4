import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThan, Not } from 'typeorm';
import { LeadEntity, LeadPhoneEntity } from '../lead.entity.js';
import { insertLeads, type LeadRecord, type LeadUpdate, updateLead } from '../leads.repository.js';
import { LeadImportEntity, LeadImportIssueEntity } from './lead-import.entity.js';

/** Counters and checkpoint written with each batch. */
export type ImportProgress = Pick<
  LeadImportEntity,
  'rowsProcessed' | 'rowsCreated' | 'rowsUpdated' | 'rowsSkipped' | 'rowsFailed' | 'committedLine' | 'bytesRead' | 'updatedAt' | 'leaseUntil'
>;

export interface ImportBatch {
  created: LeadRecord[];
  updated: LeadUpdate[];
  issues: LeadImportIssueEntity[];
  progress: ImportProgress;
}

/** An existing lead that a row's number or email matches. */
export interface DuplicateMatch {
  leadId: string;
  key: string;
}

/** Persistence port for import jobs and their reports. */
export abstract class LeadImportRepository {
  abstract insert(job: LeadImportEntity): Promise<void>;
  abstract find(id: string): Promise<LeadImportEntity | null>;
  abstract list(limit: number, offset: number): Promise<LeadImportEntity[]>;
  abstract findSameFile(sha256: string, exceptId: string): Promise<LeadImportEntity[]>;
  /** Moves an uploaded job to queued with its settings; false if it was not in `uploaded`. */
  abstract queue(id: string, settings: string, at: Date): Promise<boolean>;
  /** Puts a failed job back in the queue; it resumes after its last committed line. */
  abstract requeue(id: string, at: Date): Promise<boolean>;
  /** Takes the job for `workerId` if it is queued, or running under a lapsed lease. */
  abstract claim(id: string, workerId: string, now: Date, leaseUntil: Date): Promise<boolean>;
  /**
   * Writes a batch's leads, issues and the job's counters in one transaction, fenced by
   * the claim: false (and nothing written) when the job is no longer running for `workerId`.
   */
  abstract commitBatch(id: string, workerId: string, batch: ImportBatch): Promise<boolean>;
  abstract finish(id: string, workerId: string, change: Pick<LeadImportEntity, 'status' | 'error' | 'finishedAt' | 'updatedAt'>): Promise<boolean>;
  /** Cancels a job that has not finished; false when it had. */
  abstract cancel(id: string, at: Date): Promise<boolean>;
  abstract clearStaging(id: string): Promise<void>;
  /** Jobs another run should pick up: queued, or running with a lapsed lease. */
  abstract resumable(now: Date): Promise<LeadImportEntity[]>;
  abstract issues(id: string, kind: string | undefined, limit: number, offset: number): Promise<LeadImportIssueEntity[]>;
  /** Live leads holding any of the numbers or emails, oldest lead first. */
  abstract findDuplicates(numbers: string[], emails: string[]): Promise<DuplicateMatch[]>;
}

@Injectable()
export class TypeormLeadImportRepository extends LeadImportRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  private get jobs() {
    return this.ds.getRepository(LeadImportEntity);
  }

  async insert(job: LeadImportEntity): Promise<void> {
    await this.jobs.insert({ ...job });
  }

  find(id: string): Promise<LeadImportEntity | null> {
    return this.jobs.findOneBy({ id });
  }

  list(limit: number, offset: number): Promise<LeadImportEntity[]> {
    return this.jobs.find({ order: { createdAt: 'DESC', id: 'DESC' }, take: limit, skip: offset });
  }

  findSameFile(sha256: string, exceptId: string): Promise<LeadImportEntity[]> {
    return this.jobs.find({ where: { fileSha256: sha256, id: Not(exceptId) }, order: { createdAt: 'DESC' }, take: 10 });
  }

  async queue(id: string, settings: string, at: Date): Promise<boolean> {
    const r = await this.jobs.update({ id, status: 'uploaded' }, { status: 'queued', settings, updatedAt: at });
    return (r.affected ?? 0) > 0;
  }

  async requeue(id: string, at: Date): Promise<boolean> {
    const r = await this.jobs.update({ id, status: 'failed' }, { status: 'queued', error: null, finishedAt: null, updatedAt: at });
    return (r.affected ?? 0) > 0;
  }

  async claim(id: string, workerId: string, now: Date, leaseUntil: Date): Promise<boolean> {
    const r = await this.jobs
      .createQueryBuilder()
      .update()
      .set({ status: 'running', workerId, leaseUntil, updatedAt: now })
      .where("id = :id AND (status = 'queued' OR (status = 'running' AND (lease_until IS NULL OR lease_until < :now)))", { id, now })
      .execute();
    if (!r.affected) return false;
    await this.jobs.update({ id, startedAt: IsNull() }, { startedAt: now });
    return true;
  }

  async commitBatch(id: string, workerId: string, batch: ImportBatch): Promise<boolean> {
    const lost = Symbol('lost');
    try {
      await this.ds.transaction(async (em) => {
        // The fence first: it also locks the job row until the batch commits.
        const r = await em.getRepository(LeadImportEntity).update({ id, workerId, status: 'running' }, { ...batch.progress });
        if (!r.affected) throw lost;
        await insertLeads(em, batch.created);
        for (const u of batch.updated) await updateLead(em, u);
        if (batch.issues.length) await em.getRepository(LeadImportIssueEntity).insert(batch.issues.map((i) => ({ ...i })));
      });
      return true;
    } catch (e) {
      if (e === lost) return false;
      throw e;
    }
  }

  async finish(id: string, workerId: string, change: Pick<LeadImportEntity, 'status' | 'error' | 'finishedAt' | 'updatedAt'>): Promise<boolean> {
    const r = await this.jobs.update({ id, workerId, status: 'running' }, { ...change, workerId: null, leaseUntil: null });
    return (r.affected ?? 0) > 0;
  }

  async cancel(id: string, at: Date): Promise<boolean> {
    const r = await this.jobs.update({ id, status: In(['uploaded', 'queued', 'running']) }, { status: 'canceled', finishedAt: at, updatedAt: at, workerId: null, leaseUntil: null });
    return (r.affected ?? 0) > 0;
  }

  async clearStaging(id: string): Promise<void> {
    await this.jobs.update({ id }, { stagingPath: null });
  }

  resumable(now: Date): Promise<LeadImportEntity[]> {
    return this.jobs.find({
      where: [{ status: 'queued' }, { status: 'running', leaseUntil: LessThan(now) }, { status: 'running', leaseUntil: IsNull() }],
      order: { createdAt: 'ASC' },
    });
  }

  issues(id: string, kind: string | undefined, limit: number, offset: number): Promise<LeadImportIssueEntity[]> {
    return this.ds.getRepository(LeadImportIssueEntity).find({
      where: { importId: id, ...(kind ? { kind } : {}) },
      order: { line: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  async findDuplicates(numbers: string[], emails: string[]): Promise<DuplicateMatch[]> {
    const out: DuplicateMatch[] = [];
    if (numbers.length) {
      const rows = await this.ds
        .getRepository(LeadPhoneEntity)
        .createQueryBuilder('p')
        .innerJoin(LeadEntity, 'l', 'l.id = p.lead_id AND l.deleted_at IS NULL')
        .select('p.e164', 'key')
        .addSelect('p.lead_id', 'leadId')
        .where('p.e164 IN (:...numbers)', { numbers })
        .orderBy('l.created_at', 'ASC')
        .addOrderBy('l.id', 'ASC')
        .getRawMany<DuplicateMatch>();
      out.push(...rows);
    }
    if (emails.length) {
      const rows = await this.ds
        .getRepository(LeadEntity)
        .createQueryBuilder('l')
        .select('l.email', 'key')
        .addSelect('l.id', 'leadId')
        .where('l.email IN (:...emails) AND l.deleted_at IS NULL', { emails })
        .orderBy('l.created_at', 'ASC')
        .addOrderBy('l.id', 'ASC')
        .getRawMany<DuplicateMatch>();
      out.push(...rows);
    }
    return out;
  }
}
