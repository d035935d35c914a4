import type { EntityManager } from 'typeorm';
import { LeadEntity, LeadPhoneEntity, LeadTagEntity } from './lead.entity.js';

/** A lead row with its numbers (in order) and tags. */
export interface LeadRecord {
  lead: LeadEntity;
  phones: Array<{ e164: string; label: string }>;
  tags: string[];
}

/** A lead's new row; phones and tags are replaced when given. */
export interface LeadUpdate {
  lead: LeadEntity;
  phones?: LeadRecord['phones'];
  tags?: string[];
}

/** A lead (deleted or not) with its numbers and tags, read inside the caller's transaction. */
export async function leadRecordIn(em: EntityManager, id: string): Promise<LeadRecord | null> {
  const lead = await em.getRepository(LeadEntity).findOneBy({ id });
  if (!lead) return null;
  const phones = await em.getRepository(LeadPhoneEntity).find({ where: { leadId: id }, order: { position: 'ASC' } });
  const tags = await em.getRepository(LeadTagEntity).find({ where: { leadId: id } });
  return { lead, phones: phones.map((p) => ({ e164: p.e164, label: p.label })), tags: tags.map((t) => t.tag).sort() };
}

/** Inserts leads with their numbers and tags, a few statements for the lot, inside the caller's transaction. */
export async function insertLeads(em: EntityManager, records: LeadRecord[]): Promise<void> {
  if (!records.length) return;
  await em.getRepository(LeadEntity).insert(records.map((r) => ({ ...r.lead })));
  const phones = records.flatMap((r) => r.phones.map((p, position) => ({ leadId: r.lead.id, e164: p.e164, label: p.label, position })));
  const tags = records.flatMap((r) => r.tags.map((tag) => ({ leadId: r.lead.id, tag })));
  if (phones.length) await em.getRepository(LeadPhoneEntity).insert(phones);
  if (tags.length) await em.getRepository(LeadTagEntity).insert(tags);
}

/** Rewrites a lead's row (and its numbers and tags when given) inside the caller's transaction. */
export async function updateLead(em: EntityManager, record: LeadUpdate): Promise<void> {
  const { id, ...rest } = record.lead;
  await em.getRepository(LeadEntity).update({ id }, rest);
  if (record.phones) {
    await em.getRepository(LeadPhoneEntity).delete({ leadId: id });
    if (record.phones.length) await em.getRepository(LeadPhoneEntity).insert(record.phones.map((p, position) => ({ leadId: id, e164: p.e164, label: p.label, position })));
  }
  if (record.tags) {
    await em.getRepository(LeadTagEntity).delete({ leadId: id });
    if (record.tags.length) await em.getRepository(LeadTagEntity).insert(record.tags.map((tag) => ({ leadId: id, tag })));
  }
}
