import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IntegrationEntity, IntegrationLinkEntity } from './integration.entity.js';

/** The integrations table (secrets stored sealed) and the links from leads to outside records. */
@Injectable()
export class IntegrationsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private get rows() {
    return this.ds.getRepository(IntegrationEntity);
  }

  private get links() {
    return this.ds.getRepository(IntegrationLinkEntity);
  }

  /** Every integration, by name. */
  listByName(): Promise<IntegrationEntity[]> {
    return this.rows.find({ order: { name: 'ASC' } });
  }

  findById(id: string): Promise<IntegrationEntity | null> {
    return this.rows.findOneBy({ id });
  }

  /** Whether an integration of this id and kind exists. */
  async existsOfKind(id: string, kind: string): Promise<boolean> {
    return (await this.rows.countBy({ id, kind })) > 0;
  }

  /** A new integration; a taken name throws the unique violation. */
  async insert(row: IntegrationEntity): Promise<void> {
    await this.rows.insert({ ...row });
  }

  /** An integration's new state; a taken name throws the unique violation. */
  async save(row: IntegrationEntity): Promise<void> {
    await this.rows.save(row);
  }

  /** Replaces the sealed secrets. */
  async setSecrets(id: string, sealed: string, now: Date): Promise<void> {
    await this.rows.update({ id }, { secrets: sealed, updatedAt: now });
  }

  /** The integration and its links to outside records, in one transaction. */
  async removeWithLinks(id: string): Promise<void> {
    await this.ds.transaction(async (em) => {
      await em.getRepository(IntegrationLinkEntity).delete({ integrationId: id });
      await em.getRepository(IntegrationEntity).delete({ id });
    });
  }

  /** The outside record's id a lead is linked to in this integration, or null. */
  async linkOf(integrationId: string, leadId: string): Promise<string | null> {
    return (await this.links.findOneBy({ integrationId, leadId }))?.externalId ?? null;
  }

  /** Links the lead to the outside record: the existing link updated, or a new one made (one made meanwhile by another writer stands). */
  async link(integrationId: string, leadId: string, externalId: string, now: Date): Promise<void> {
    const updated = await this.links.update({ integrationId, leadId }, { externalId, updatedAt: now });
    if (!updated.affected) await this.links.createQueryBuilder().insert().values({ id: randomUUID(), integrationId, leadId, externalId, createdAt: now, updatedAt: now }).orIgnore().execute();
  }
}
