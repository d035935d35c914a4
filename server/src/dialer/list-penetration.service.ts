import { Injectable } from '@nestjs/common';
import { ErrorCode, type ImportPenetrationView, type ListPenetrationView } from '#shared';
import { DomainError } from '../common/domain-error.js';
import { LeadImportRepository } from '../leads/import/lead-import.repository.js';
import { DialPenetrationRepository } from './dial-penetration.repository.js';
import { DialQueuesRepository } from './dial-queues.repository.js';
import { importPenetrationOf, penetrationCsv, penetrationOf } from './list-penetration.js';

/** List penetration: a queue's list (all of it, or one CSV import's leads in it), and an import's leads across the queues. */
@Injectable()
export class ListPenetration {
  constructor(
    private readonly lists: DialPenetrationRepository,
    private readonly queues: DialQueuesRepository,
    private readonly imports: LeadImportRepository,
  ) {}

  /** How much of the queue's list (or of the import's leads in it) has been worked, and why the leads that are out are out. */
  async ofQueue(queueId: string, importId: string | null): Promise<ListPenetrationView> {
    return (await this.queueView(queueId, importId)).view;
  }

  /** The queue's penetration as CSV lines. */
  async csvOfQueue(queueId: string, importId: string | null): Promise<string[]> {
    return [...penetrationCsv([await this.queueView(queueId, importId)])];
  }

  /** The queue's penetration with the queue's name (its row read once). */
  private async queueView(queueId: string, importId: string | null): Promise<{ queueName: string; view: ListPenetrationView }> {
    const q = await this.queues.findById(queueId);
    if (!q) throw DomainError.notFound('Dial queue');
    if (importId && !(await this.imports.find(importId))) {
      throw new DomainError(ErrorCode.ValidationFailed, 'importId: is not a lead import', [{ field: 'importId', message: `is not a lead import (${importId})` }]);
    }
    const scope = { queueId: q.id, importId };
    const [rows, dials] = await Promise.all([this.lists.penetration(scope), this.lists.dialsPerLead(scope)]);
    return { queueName: q.name, view: penetrationOf(q.id, importId, rows, dials) };
  }

  /** The import's penetration as CSV lines: per queue, then the total (queue empty) and the leads never queued. */
  async csvOfImport(importId: string): Promise<string[]> {
    const v = await this.ofImport(importId);
    return [...penetrationCsv([...v.queues.map((view) => ({ queueName: view.queueName, view })), { queueName: '', view: v.total }], v.neverQueued)];
  }

  /** The import's leads per queue they were added to, in all (each lead once), and those never queued. */
  async ofImport(importId: string): Promise<ImportPenetrationView> {
    const job = await this.imports.find(importId);
    if (!job) throw DomainError.notFound('Lead import');
    const perQueue = { queueId: null, importId };
    const across = { ...perQueue, across: true };
    const [rows, dials, allRows, allDials, neverQueued, queues] = await Promise.all([
      this.lists.penetration(perQueue),
      this.lists.dialsPerLead(perQueue),
      this.lists.penetration(across),
      this.lists.dialsPerLead(across),
      this.lists.neverQueued(importId),
      this.queues.list(),
    ]);
    const names = new Map(queues.map(({ queue }) => [queue.id, queue.name]));
    return importPenetrationOf(job.id, job.filename, { rows, dials, names }, { rows: allRows, dials: allDials }, neverQueued);
  }
}
