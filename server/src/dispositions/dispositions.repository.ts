import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DispositionChangeEntity, DispositionEntity } from './disposition.entity.js';

/** The disposition catalogues and the audit of disposition changes. */
@Injectable()
export class DispositionsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private get rows() {
    return this.ds.getRepository(DispositionEntity);
  }

  /** One catalogue's rows (scope id '' for the account's), by position then code. */
  catalogue(scopeType: string, scopeId: string): Promise<DispositionEntity[]> {
    return this.rows.find({ where: { scopeType, scopeId }, order: { position: 'ASC', code: 'ASC' } });
  }

  findById(id: string): Promise<DispositionEntity | null> {
    return this.rows.findOneBy({ id });
  }

  /** A new row; a code taken in its catalogue throws the unique violation. */
  async insert(row: DispositionEntity): Promise<void> {
    await this.rows.insert(row);
  }

  async save(row: DispositionEntity): Promise<void> {
    await this.rows.save(row);
  }

  /** The codes of the dispositions that fire this action group. */
  async codesFiring(actionGroupId: string): Promise<string[]> {
    return (await this.rows.find({ select: { code: true }, where: { actionGroupId } })).map((d) => d.code);
  }

  /** The audit row of a change, inside the transaction that made it. */
  async recordChange(change: DispositionChangeEntity, em: EntityManager): Promise<void> {
    await em.getRepository(DispositionChangeEntity).insert(change);
  }

  /** The conversation's latest disposition change (what a repeat is compared with and answered with). */
  lastChange(conversationId: string): Promise<DispositionChangeEntity | null> {
    return this.ds.getRepository(DispositionChangeEntity).findOne({ where: { conversationId }, order: { at: 'DESC', id: 'DESC' } });
  }

  /** A conversation's disposition changes, oldest first. */
  changesOf(conversationId: string): Promise<DispositionChangeEntity[]> {
    return this.ds.getRepository(DispositionChangeEntity).find({ where: { conversationId }, order: { at: 'ASC', id: 'ASC' } });
  }
}
