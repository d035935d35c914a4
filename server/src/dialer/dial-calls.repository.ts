import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, IsNull } from 'typeorm';
import { DialCallEntity } from './dial-queue.entity.js';

/** Calls a person answered (bridged or not) and those abandoned; the calls placed on a prediction and the mean abandon share predicted (basis points; null when none). */
export interface AnswerRates {
  answered: number;
  abandoned: number;
  predictedCalls?: number;
  predictedBp?: number | null;
}

/** Calls whose outcome is known (ended, or answered by a person) and of them those a person answered. */
export interface AnswerSample {
  calls: number;
  human: number;
}

/**
 * The `dial_calls` table: one row per call a queue placed, written as the call moves
 * (placed, answered, bridged, ended) and read on its (queue, placed_at) index for pacing
 * and the supervisors' figures.
 */
@Injectable()
export class DialCallsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private get calls() {
    return this.ds.getRepository(DialCallEntity);
  }

  /** The row of a call just placed; a second insert for the same conversation changes nothing. */
  async recordPlaced(row: DialCallEntity): Promise<void> {
    await this.calls.createQueryBuilder().insert().values(row).orIgnore().execute();
  }

  findByConversation(conversationId: string): Promise<DialCallEntity | null> {
    return this.calls.findOneBy({ conversationId });
  }

  async update(conversationId: string, patch: Partial<DialCallEntity>): Promise<void> {
    await this.calls.update({ conversationId }, patch);
  }

  /** Ends the call's row once: true for the one caller that ended it. */
  async endOnce(conversationId: string, patch: Partial<DialCallEntity>): Promise<boolean> {
    const r = await this.calls.update({ conversationId, endedAt: IsNull() }, patch);
    return (r.affected ?? 0) > 0;
  }

  /** The last `n` calls' outcomes and timings, newest first. */
  recent(queueId: string, n: number): Promise<Array<Pick<DialCallEntity, 'human' | 'outcome' | 'placedAt' | 'answeredAt' | 'talkSeconds'>>> {
    return this.calls.find({ select: { conversationId: true, human: true, outcome: true, placedAt: true, answeredAt: true, talkSeconds: true }, where: { queueId }, order: { placedAt: 'DESC' }, take: n });
  }

  /** When each call placed since `since` and still ringing (nobody answered yet) was placed. */
  async ringing(queueId: string, since: Date): Promise<Date[]> {
    const rows = await this.calls
      .createQueryBuilder('c')
      .select(['c.conversationId', 'c.placedAt'])
      .where('c.queue_id = :id AND c.ended_at IS NULL AND c.bridged_at IS NULL AND c.answered_at IS NULL AND c.placed_at >= :since', { id: queueId, since })
      .getMany();
    return rows.map((r) => r.placedAt);
  }

  /** Calls placed since `since` a person answered who waits for an agent. */
  waiting(queueId: string, since: Date): Promise<number> {
    return this.calls
      .createQueryBuilder('c')
      .where('c.queue_id = :id AND c.ended_at IS NULL AND c.bridged_at IS NULL AND c.answered_at IS NOT NULL AND c.human = :human AND c.placed_at >= :since', { id: queueId, human: true, since })
      .getCount();
  }

  /** Calls a person answered (bridged or not) and those abandoned, placed since `from`, with the share the pacer predicted of them. */
  async rates(queueId: string, from: Date): Promise<AnswerRates> {
    const row = await this.calls
      .createQueryBuilder('c')
      .select('SUM(CASE WHEN c.human = :human THEN 1 ELSE 0 END)', 'answered')
      .addSelect("SUM(CASE WHEN c.outcome = 'abandoned' THEN 1 ELSE 0 END)", 'abandoned')
      .addSelect('COUNT(c.predicted_bp)', 'predicted_calls')
      .addSelect('AVG(c.predicted_bp)', 'predicted_bp')
      .where('c.queue_id = :queueId AND c.placed_at >= :from', { queueId, from, human: true })
      .getRawOne<{ answered: string | number | null; abandoned: string | number | null; predicted_calls: string | number | null; predicted_bp: string | number | null }>();
    return { answered: Number(row?.answered ?? 0), abandoned: Number(row?.abandoned ?? 0), predictedCalls: Number(row?.predicted_calls ?? 0), predictedBp: row?.predicted_bp == null ? null : Number(row.predicted_bp) };
  }

  /**
   * The known calls placed within any of `ranges` ([from, to) instants; the same hour of
   * day on the last days), and of them those a person answered. One statement, a range
   * of the (queue, placed_at) index per day.
   */
  async answeredWithin(queueId: string, ranges: ReadonlyArray<readonly [Date, Date]>): Promise<AnswerSample> {
    if (!ranges.length) return { calls: 0, human: 0 };
    const params: Record<string, Date> = {};
    const row = await this.calls
      .createQueryBuilder('c')
      .select('COUNT(*)', 'calls')
      .addSelect('SUM(CASE WHEN c.human = :human THEN 1 ELSE 0 END)', 'human')
      .where('c.queue_id = :queueId', { queueId, human: true })
      .andWhere(
        new Brackets((b) => {
          ranges.forEach(([from, to], i) => {
            params[`f${i}`] = from;
            params[`t${i}`] = to;
            b.orWhere(`(c.placed_at >= :f${i} AND c.placed_at < :t${i})`);
          });
        }),
      )
      .andWhere('(c.outcome IS NOT NULL OR c.human = :human)')
      .setParameters(params)
      .getRawOne<{ calls: string | number | null; human: string | number | null }>();
    return { calls: Number(row?.calls ?? 0), human: Number(row?.human ?? 0) };
  }

  /** The last `n` known calls of one of the queue's lists (`list_key`), and of them those a person answered; on the (queue, list_key, placed_at) index. */
  async answeredOfList(queueId: string, listKey: string, n: number): Promise<AnswerSample> {
    const rows = await this.calls.find({ select: { conversationId: true, human: true, outcome: true }, where: { queueId, listKey }, order: { placedAt: 'DESC' }, take: n });
    const known = rows.filter((c) => c.outcome !== null || c.human);
    return { calls: known.length, human: known.filter((c) => c.human).length };
  }

  /** Seconds of talk on answered calls placed since `from`; null when there were none. */
  async averageTalk(queueId: string, from: Date): Promise<number | null> {
    const row = await this.calls
      .createQueryBuilder('c')
      .select('AVG(c.talk_seconds)', 'avg')
      .where("c.queue_id = :queueId AND c.placed_at >= :from AND c.outcome = 'answered'", { queueId, from })
      .getRawOne<{ avg: string | number | null }>();
    return row?.avg == null ? null : Number(row.avg);
  }
}
