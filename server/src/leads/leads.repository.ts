import { modeAfter } from './lead-activity.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import { CustomFieldDefinitionEntity } from './custom-field.entity.js';
import { leadName } from './lead-name.js';
import { LeadEntity, LeadPhoneEntity, LeadTagEntity } from './lead.entity.js';

/** A lead as stored, for the rooms that read leads through this port. */
export type Lead = LeadEntity;

export interface LeadFilter {
  text?: string;
  statuses?: string[];
  ownerId?: string;
  tag?: string;
  phone?: string;
  customField?: { key: string; value: string };
}

/**
 * What the agent's search box looks for, each part matched at the start of a field (so an
 * index answers it): `words` (lower-cased) against names, company, email and tags, every
 * word somewhere; or `phonePrefixes` (E.164 beginnings) against the lead's numbers; or an
 * `emailPrefix` against the email.
 */
export type LeadFind = { words: string[] } | { phonePrefixes: string[] } | { emailPrefix: string };

export interface LeadCursor {
  createdAt: Date;
  id: string;
}

export interface BulkLeadChange {
  status?: string;
  ownerId?: string | null;
  addTags?: string[];
  removeTags?: string[];
  updatedAt: Date;
  /** Who made the change: each lead's last modifier ("Last Modified By"). */
  updatedBy: string | null;
}

// Reads and writes inside a caller's transaction (the import, bulk changes) live beside this file.
import { insertLeads, type LeadRecord, type LeadUpdate, updateLead } from './lead-rows.repository.js';
export { insertLeads, leadRecordIn, updateLead, type LeadRecord, type LeadUpdate } from './lead-rows.repository.js';

/** Persistence port for leads and custom field definitions. */
export abstract class LeadsRepository {
  abstract insert(record: LeadRecord): Promise<void>;
  /** Replaces the lead's row; phones and tags are replaced when given. */
  abstract update(record: LeadUpdate): Promise<void>;
  abstract findById(id: string): Promise<LeadRecord | null>;
  /** Live leads among `ids`, with numbers and tags. */
  abstract findByIds(ids: string[]): Promise<LeadRecord[]>;
  /** The lead's row alone, deleted or not (the caller tells a deleted lead apart): one statement. */
  abstract findRow(id: string): Promise<LeadEntity | null>;
  /** Which of these ids are leads that are not deleted. */
  abstract existingIds(ids: string[]): Promise<string[]>;
  /** How these leads are named on agents' screens, in one statement (deleted ones too: open work may still show them). */
  abstract namesOf(ids: string[]): Promise<Map<string, string>>;
  abstract search(filter: LeadFilter, after: LeadCursor | null, limit: number): Promise<LeadRecord[]>;
  /** Live leads (of `ownerId` when given) matching `find` at the start of their fields, most recently active first. */
  abstract find(find: LeadFind, ownerId: string | null, limit: number): Promise<LeadRecord[]>;
  /** Applies one change to many leads in one transaction; returns how many leads exist among `ids`. */
  /** Applies one change to many leads; the ids of the live ones it changed. */
  abstract bulkUpdate(ids: string[], change: BulkLeadChange): Promise<string[]>;
  abstract softDelete(ids: string[], at: Date): Promise<number>;
  abstract findLeadIdsByPhone(e164: string): Promise<string[]>;
  /**
   * SQL of a subquery listing the numbers (e164) of the lead whose id is the named parameter
   * `:leadIdParam`, for another room's statement that must read them atomically with its own rows.
   */
  abstract phonesOfLeadSubquery(leadIdParam: string): string;
  /** SQL of a subquery of the ids of the leads owned by the user named by `:ownerParam`. */
  ownedLeadIdsSubquery(ownerParam: string): string {
    return `SELECT l.id FROM leads l WHERE l.owner_id = :${ownerParam}`;
  }
  /** SQL of a subquery of the ids of live leads (not deleted) whose status is none of the list `:...statusesParam`. */
  liveLeadIdsSubquery(statusesParam: string): string {
    return `SELECT l.id FROM leads l WHERE l.status NOT IN (:...${statusesParam}) AND l.deleted_at IS NULL`;
  }
  /** SQL of a subquery of the ids of the leads the import named by `:importParam` made (`live`: not deleted; else deleted ones too). */
  importLeadIdsSubquery(importParam: string, live = false): string {
    return `SELECT l.id FROM leads l WHERE l.import_id = :${importParam}${live ? ' AND l.deleted_at IS NULL' : ''}`;
  }
  /** Every lead holding this number, deleted ones too. */
  abstract holdersOfNumber(e164: string): Promise<string[]>;
  /** Live leads whose company is one of `names` (compared without regard to case), oldest first, at most `limit`. */
  abstract findLeadIdsByCompany(names: string[], limit: number): Promise<string[]>;
  /** Leads (not deleted) with this email address, compared without regard to case. */
  abstract findLeadIdsByEmail(email: string): Promise<string[]>;
  /** Records the lead's latest activity (never moving it back); `contacted` also sets lastContactedAt. */
  abstract touchActivity(leadId: string, type: string, at: Date, contacted: boolean): Promise<void>;

  abstract listCustomFields(): Promise<CustomFieldDefinitionEntity[]>;
  abstract findCustomField(key: string): Promise<CustomFieldDefinitionEntity | null>;
  abstract insertCustomField(def: CustomFieldDefinitionEntity): Promise<void>;
  abstract deleteCustomField(key: string): Promise<boolean>;
}

/** A lead's columns, read without the entity mapper on the hot paths (a page, one lead). */
const LEAD_COLUMNS =
  'l.id, l.first_name, l.last_name, l.company, l.email, l.phone, l.timezone, l.region, l.owner_id, l.status, l.custom_fields, l.instant_dial, ' +
  'l.last_contacted_at, l.last_activity_at, l.last_contacted_mode, l.last_activity_type, l.created_by, l.updated_by, l.import_id, l.created_at, l.updated_at, l.deleted_at';

interface LeadRow {
  id: string;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  region: string | null;
  owner_id: string | null;
  status: string;
  custom_fields: string;
  /** A boolean on Postgres, 0 or 1 on MySQL. */
  instant_dial: boolean | number;
  last_contacted_at: Date | null;
  last_activity_at: Date | null;
  last_contacted_mode: string;
  last_activity_type: string | null;
  created_by: string | null;
  updated_by: string | null;
  import_id: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

/** The entity the mapper would make of the row (both drivers already read instants as UTC Dates). */
function leadFromRow(r: LeadRow): LeadEntity {
  return Object.assign(new LeadEntity(), {
    id: r.id,
    firstName: r.first_name,
    lastName: r.last_name,
    company: r.company,
    email: r.email,
    phone: r.phone,
    timezone: r.timezone,
    region: r.region,
    ownerId: r.owner_id,
    status: r.status,
    customFields: r.custom_fields,
    instantDial: Boolean(r.instant_dial),
    lastContactedAt: r.last_contacted_at,
    lastActivityAt: r.last_activity_at,
    lastContactedMode: r.last_contacted_mode,
    lastActivityType: r.last_activity_type,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
    importId: r.import_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deletedAt: r.deleted_at,
  });
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class TypeormLeadsRepository extends LeadsRepository {
  private readonly mysql: boolean;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
    this.mysql = ds.options.type === 'mysql' || ds.options.type === 'mariadb';
  }

  phonesOfLeadSubquery(leadIdParam: string): string {
    return `SELECT p.e164 FROM lead_phones p WHERE p.lead_id = :${leadIdParam}`;
  }

  insert(record: LeadRecord): Promise<void> {
    return this.ds.transaction((em) => insertLeads(em, [record]));
  }

  update(record: LeadUpdate): Promise<void> {
    return this.ds.transaction((em) => updateLead(em, record));
  }

  async findById(id: string): Promise<LeadRecord | null> {
    const rows: LeadRow[] = await this.ds.query(`SELECT ${LEAD_COLUMNS} FROM leads l WHERE l.id = ${this.mysql ? '?' : '$1'} AND l.deleted_at IS NULL`, [id]);
    if (!rows.length) return null;
    return (await this.attach([leadFromRow(rows[0])]))[0];
  }

  async findByIds(ids: string[]): Promise<LeadRecord[]> {
    if (!ids.length) return [];
    return this.attach(await this.ds.getRepository(LeadEntity).findBy({ id: In(ids), deletedAt: IsNull() }));
  }

  findRow(id: string): Promise<LeadEntity | null> {
    return this.ds.getRepository(LeadEntity).findOneBy({ id });
  }

  async existingIds(ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const found = await this.ds.getRepository(LeadEntity).find({ select: { id: true, deletedAt: true }, where: { id: In(ids) } });
    return found.filter((f) => !f.deletedAt).map((f) => f.id);
  }

  async namesOf(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const leads = await this.ds.getRepository(LeadEntity).find({ select: { id: true, firstName: true, lastName: true, company: true }, where: { id: In([...new Set(ids)]) } });
    return new Map(leads.map((l) => [l.id, leadName(l)]));
  }

  /** Written out rather than built, with the same conditions, so a page costs one statement to write and none to map. */
  async search(f: LeadFilter, after: LeadCursor | null, limit: number): Promise<LeadRecord[]> {
    const params: unknown[] = [];
    const p = (value: unknown) => (params.push(value), this.mysql ? '?' : `$${params.length}`);
    const where = ['l.deleted_at IS NULL'];
    if (f.statuses?.length) where.push(`l.status IN (${f.statuses.map(p).join(', ')})`);
    if (f.ownerId) where.push(`l.owner_id = ${p(f.ownerId)}`);
    if (f.tag) where.push(`EXISTS (SELECT 1 FROM lead_tags t WHERE t.lead_id = l.id AND t.tag = ${p(f.tag)})`);
    if (f.phone) where.push(`EXISTS (SELECT 1 FROM lead_phones p WHERE p.lead_id = l.id AND p.e164 = ${p(f.phone)})`);
    if (f.text) {
      const like = `%${escapeLike(f.text.toLowerCase())}%`;
      const esc = this.mysql ? "ESCAPE '\\\\'" : "ESCAPE '\\'";
      const ors = ['first_name', 'last_name', 'company', 'email', 'phone'].map((col) => `LOWER(l.${col}) LIKE ${p(like)} ${esc}`);
      ors.push(`LOWER(CONCAT(COALESCE(l.first_name, ''), ' ', COALESCE(l.last_name, ''))) LIKE ${p(like)} ${esc}`);
      where.push(`(${ors.join(' OR ')})`);
    }
    if (f.customField) {
      // Custom fields are JSON text; each dialect extracts a value as text its own way.
      const expr = this.mysql ? `JSON_UNQUOTE(JSON_EXTRACT(l.custom_fields, ${p(`$."${f.customField.key}"`)}))` : `(CAST(l.custom_fields AS jsonb) ->> ${p(f.customField.key)})`;
      where.push(`${expr} = ${p(f.customField.value)}`);
    }
    if (after) where.push(`(l.created_at < ${p(after.createdAt)} OR (l.created_at = ${p(after.createdAt)} AND l.id < ${p(after.id)}))`);
    const sql = `SELECT ${LEAD_COLUMNS} FROM leads l WHERE ${where.join(' AND ')} ORDER BY l.created_at DESC, l.id DESC LIMIT ${Math.max(0, Math.floor(limit))}`;
    const rows: LeadRow[] = await this.ds.query(sql, params);
    return this.attach(rows.map(leadFromRow));
  }

  /**
   * Prefix matches only, each answered by an index: the candidates are a union of index range
   * reads (names, company, email, tags; or numbers), materialised once and joined to the
   * leads, so no statement reads the whole table. On Postgres the name and company indexes are
   * on `LOWER(…)` with the pattern operator class (LIKE 'x%' uses them under any collation);
   * on MySQL the columns' case-insensitive collation lets the plain indexes match any case.
   */
  async find(find: LeadFind, ownerId: string | null, limit: number): Promise<LeadRecord[]> {
    const params: unknown[] = [];
    const p = (value: unknown) => (params.push(value), this.mysql ? '?' : `$${params.length}`);
    const folded = (col: string) => (this.mysql ? col : `LOWER(${col})`);
    const prefix = (s: string) => `${escapeLike(s)}%`;
    let candidates: string;
    const where = ['l.deleted_at IS NULL'];
    if ('phonePrefixes' in find) {
      candidates = find.phonePrefixes.map((x) => `SELECT lead_id AS id FROM lead_phones WHERE e164 LIKE ${p(prefix(x))}`).join(' UNION ');
    } else if ('emailPrefix' in find) {
      candidates = `SELECT id FROM leads WHERE email LIKE ${p(prefix(find.emailPrefix))}`;
    } else {
      const [first, ...rest] = find.words;
      candidates = [
        ...['first_name', 'last_name', 'company'].map((col) => `SELECT id FROM leads WHERE ${folded(col)} LIKE ${p(prefix(first))}`),
        `SELECT id FROM leads WHERE email LIKE ${p(prefix(first))}`,
        `SELECT lead_id AS id FROM lead_tags WHERE tag LIKE ${p(prefix(first))}`,
      ].join(' UNION ');
      // Every further word must start a word of the lead's fields too ("ada love" finds Ada
      // Lovelace, "acme hold" Acme Holdings); read on the candidates only, so no index is needed.
      for (const word of rest) {
        const starts = [prefix(word), `% ${prefix(word)}`];
        const ors = ['l.first_name', 'l.last_name', 'l.company'].flatMap((col) => starts.map((like) => `${folded(col)} LIKE ${p(like)}`));
        ors.push(`l.email LIKE ${p(prefix(word))}`, `EXISTS (SELECT 1 FROM lead_tags t WHERE t.lead_id = l.id AND t.tag LIKE ${p(prefix(word))})`);
        where.push(`(${ors.join(' OR ')})`);
      }
    }
    if (ownerId) where.push(`l.owner_id = ${p(ownerId)}`);
    const order = this.mysql ? 'l.last_activity_at IS NULL, l.last_activity_at DESC' : 'l.last_activity_at DESC NULLS LAST';
    const sql =
      `SELECT ${LEAD_COLUMNS} FROM (${candidates}) m JOIN leads l ON l.id = m.id WHERE ${where.join(' AND ')} ` +
      `ORDER BY ${order}, l.created_at DESC, l.id DESC LIMIT ${Math.max(0, Math.floor(limit))}`;
    const rows: LeadRow[] = await this.ds.query(sql, params);
    return this.attach(rows.map(leadFromRow));
  }

  bulkUpdate(ids: string[], change: BulkLeadChange): Promise<string[]> {
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(LeadEntity);
      const existing = (await repo.find({ select: { id: true }, where: { id: In(ids), deletedAt: IsNull() } })).map((l) => l.id);
      if (!existing.length) return [];
      const set: Partial<LeadEntity> = { updatedAt: change.updatedAt, updatedBy: change.updatedBy };
      if (change.status !== undefined) set.status = change.status;
      if (change.ownerId !== undefined) set.ownerId = change.ownerId;
      await repo.update({ id: In(existing) }, set);
      const tags = em.getRepository(LeadTagEntity);
      if (change.removeTags?.length) await tags.delete({ leadId: In(existing), tag: In(change.removeTags) });
      if (change.addTags?.length) {
        const have = await tags.find({ where: { leadId: In(existing), tag: In(change.addTags) } });
        const seen = new Set(have.map((t) => `${t.leadId}\u0000${t.tag}`));
        const rows = existing.flatMap((leadId) => change.addTags!.filter((tag) => !seen.has(`${leadId}\u0000${tag}`)).map((tag) => ({ leadId, tag })));
        for (let i = 0; i < rows.length; i += 500) await tags.insert(rows.slice(i, i + 500));
      }
      return existing;
    });
  }

  async softDelete(ids: string[], at: Date): Promise<number> {
    const result = await this.ds.getRepository(LeadEntity).update({ id: In(ids), deletedAt: IsNull() }, { deletedAt: at, updatedAt: at });
    return result.affected ?? 0;
  }

  async findLeadIdsByPhone(e164: string): Promise<string[]> {
    const rows = await this.ds
      .getRepository(LeadPhoneEntity)
      .createQueryBuilder('p')
      .innerJoin(LeadEntity, 'l', 'l.id = p.lead_id AND l.deleted_at IS NULL')
      .select('p.lead_id', 'leadId')
      .where('p.e164 = :e164', { e164 })
      .getRawMany<{ leadId: string }>();
    return [...new Set(rows.map((r) => r.leadId))];
  }

  async holdersOfNumber(e164: string): Promise<string[]> {
    const rows = await this.ds.getRepository(LeadPhoneEntity).find({ select: { leadId: true }, where: { e164 } });
    return rows.map((r) => r.leadId);
  }

  async findLeadIdsByCompany(names: string[], limit: number): Promise<string[]> {
    const lowered = [...new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean))];
    if (!lowered.length) return [];
    const rows = await this.ds
      .getRepository(LeadEntity)
      .createQueryBuilder('l')
      .select('l.id', 'id')
      .where('LOWER(l.company) IN (:...names) AND l.deleted_at IS NULL', { names: lowered })
      .orderBy('l.created_at', 'ASC')
      .addOrderBy('l.id', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  async findLeadIdsByEmail(email: string): Promise<string[]> {
    const rows = await this.ds.getRepository(LeadEntity).find({ select: { id: true }, where: { email: email.toLowerCase(), deletedAt: IsNull() } });
    return rows.map((r) => r.id);
  }

  async touchActivity(leadId: string, type: string, at: Date, contacted: boolean): Promise<void> {
    const repo = this.ds.getRepository(LeadEntity);
    await repo
      .createQueryBuilder()
      .update()
      .set({ lastActivityAt: at, lastActivityType: type.slice(0, 32), ...(modeAfter(type) ? { lastContactedMode: modeAfter(type) as string } : {}) })
      .where('id = :leadId AND (last_activity_at IS NULL OR last_activity_at <= :at)', { leadId, at })
      .execute();
    if (contacted) {
      await repo.createQueryBuilder().update().set({ lastContactedAt: at }).where('id = :leadId AND (last_contacted_at IS NULL OR last_contacted_at <= :at)', { leadId, at }).execute();
    }
  }

  listCustomFields(): Promise<CustomFieldDefinitionEntity[]> {
    return this.ds.getRepository(CustomFieldDefinitionEntity).find({ order: { key: 'ASC' } });
  }

  findCustomField(key: string): Promise<CustomFieldDefinitionEntity | null> {
    return this.ds.getRepository(CustomFieldDefinitionEntity).findOneBy({ key });
  }

  async insertCustomField(def: CustomFieldDefinitionEntity): Promise<void> {
    await this.ds.getRepository(CustomFieldDefinitionEntity).insert({ ...def });
  }

  async deleteCustomField(key: string): Promise<boolean> {
    return ((await this.ds.getRepository(CustomFieldDefinitionEntity).delete({ key })).affected ?? 0) > 0;
  }

  /**
   * Adds numbers (by position) and tags (in the database's order) to leads, in one statement
   * for both: a round trip costs more than the rows it brings.
   */
  private async attach(leads: LeadEntity[]): Promise<LeadRecord[]> {
    if (!leads.length) return [];
    const ids = leads.map((l) => l.id);
    const marks = (from: number) => ids.map((_, i) => (this.mysql ? '?' : `$${from + i}`)).join(', ');
    const rows: Array<{ kind: string; lead_id: string; value: string; label: string | null }> = await this.ds.query(
      `SELECT 'p' AS kind, lead_id, e164 AS value, label, position FROM lead_phones WHERE lead_id IN (${marks(1)}) ` +
        `UNION ALL SELECT 't' AS kind, lead_id, tag AS value, NULL AS label, 0 AS position FROM lead_tags WHERE lead_id IN (${marks(1)}) ` +
        'ORDER BY kind, position, value',
      this.mysql ? [...ids, ...ids] : ids,
    );
    const byLead = new Map<string, LeadRecord>(leads.map((lead) => [lead.id, { lead, phones: [], tags: [] }]));
    for (const r of rows) {
      const record = byLead.get(r.lead_id)!;
      if (r.kind === 'p') record.phones.push({ e164: r.value, label: r.label as string });
      else record.tags.push(r.value);
    }
    return [...byLead.values()];
  }
}
