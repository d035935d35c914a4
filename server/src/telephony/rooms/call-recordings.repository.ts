import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { CallRecordingEntity } from './call-recording.entity.js';

/** Recordings kept with their calls. */
@Injectable()
export class CallRecordingsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private get rows() {
    return this.ds.getRepository(CallRecordingEntity);
  }

  async insert(r: CallRecordingEntity): Promise<void> {
    await this.rows.insert(r);
  }

  findById(id: string): Promise<CallRecordingEntity | null> {
    return this.rows.findOneBy({ id });
  }

  findBySid(recordingSid: string): Promise<CallRecordingEntity | null> {
    return this.rows.findOneBy({ recordingSid });
  }

  /** A call's recordings, oldest first. */
  ofConversation(conversationId: string): Promise<CallRecordingEntity[]> {
    return this.rows.find({ where: { conversationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The recordings of several calls, oldest first. */
  ofConversations(conversationIds: string[]): Promise<CallRecordingEntity[]> {
    if (!conversationIds.length) return Promise.resolve([]);
    return this.rows.find({ where: { conversationId: In(conversationIds) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async update(id: string, patch: Partial<CallRecordingEntity>): Promise<void> {
    await this.rows.update({ id }, patch);
  }

  /** Recordings whose retention ran out by `at` and are not deleted yet, oldest first. */
  due(at: Date, limit: number): Promise<CallRecordingEntity[]> {
    return this.rows.find({ where: { deleteAfter: LessThanOrEqual(at), deletedAt: IsNull(), status: Not('deleted') }, order: { deleteAfter: 'ASC' }, take: limit });
  }
}
