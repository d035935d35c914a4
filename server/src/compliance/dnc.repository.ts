import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Not } from 'typeorm';
import { DncListEntity, DncNumberEntity } from './dnc.entity.js';

export const SCRUB_CHUNK = 25_000;

/** Persistence port for do-not-call lists and their numbers. */
export abstract class DncRepository {
  abstract createList(list: Omit<DncListEntity, 'id'>): Promise<DncListEntity>;
  abstract findList(id: number): Promise<DncListEntity | null>;
  abstract lists(): Promise<DncListEntity[]>;
  abstract updateList(id: number, patch: Partial<DncListEntity>): Promise<void>;
  /** Adds numbers (E.164 digits) to a list in one statement; returns how many were new. */
  abstract insertNumbers(listId: number, digits: string[]): Promise<number>;
  /** The lists, not removed, that hold the number. */
  abstract listsContaining(digits: string): Promise<Array<{ id: number; name: string; createdAt: Date }>>;
  /** Which of the numbers are on a list that is not removed. */
  abstract scrub(digits: string[]): Promise<Set<string>>;
  /** Changes whenever a list is created, loaded into or removed. */
  abstract version(): Promise<string>;
  /** (number, list) pairs on lists not removed with numbers from `after` on, ascending. */
  abstract entriesAfter(after: string, limit: number): Promise<Array<{ number: string; listId: number }>>;
  /** Deletes up to `batch` of the list's numbers; returns how many. */
  abstract deleteNumbers(listId: number, batch: number): Promise<number>;
}

@Injectable()
export class TypeormDncRepository extends DncRepository {
  private readonly postgres: boolean;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
    this.postgres = ds.options.type === 'postgres';
  }

  async createList(list: Omit<DncListEntity, 'id'>): Promise<DncListEntity> {
    const r = await this.ds.getRepository(DncListEntity).insert({ ...list });
    const id = Number(r.identifiers[0].id);
    return { ...list, id };
  }

  findList(id: number): Promise<DncListEntity | null> {
    return this.ds.getRepository(DncListEntity).findOneBy({ id });
  }

  lists(): Promise<DncListEntity[]> {
    return this.ds.getRepository(DncListEntity).find({ order: { id: 'DESC' } });
  }

  async updateList(id: number, patch: Partial<DncListEntity>): Promise<void> {
    await this.ds.getRepository(DncListEntity).update({ id }, patch);
  }

  async insertNumbers(listId: number, digits: string[]): Promise<number> {
    if (!digits.length) return 0;
    // Every value is a validated string of digits and listId an integer, so inlining
    // them is safe, and one literal statement is far faster than binding 20k parameters.
    if (!Number.isInteger(listId) || digits.some((d) => !/^\d{1,15}$/.test(d))) throw new Error('insertNumbers: not digits');
    const values = digits.map((d) => `(${d},${listId})`).join(',');
    const sql = this.postgres
      ? `INSERT INTO dnc_numbers (number, list_id) VALUES ${values} ON CONFLICT DO NOTHING`
      : `INSERT IGNORE INTO dnc_numbers (number, list_id) VALUES ${values}`;
    const runner = this.ds.createQueryRunner();
    try {
      const result = await runner.query(sql, [], true);
      return result.affected ?? 0;
    } finally {
      await runner.release();
    }
  }

  async listsContaining(digits: string): Promise<Array<{ id: number; name: string; createdAt: Date }>> {
    // Raw SQL: this runs for every contact the gate checks, so no query building on the way.
    const sql = `SELECT l.id AS id, l.name AS name, l.created_at AS "createdAt" FROM dnc_numbers n JOIN dnc_lists l ON l.id = n.list_id WHERE n.number = ${this.postgres ? '$1' : '?'} AND l.status <> 'removed'`;
    const rows: Array<{ id: number | string; name: string; createdAt: Date | string }> = await this.ds.query(this.postgres ? sql : sql.replace('"createdAt"', '`createdAt`'), [digits]);
    return rows.map((r) => ({ id: Number(r.id), name: r.name, createdAt: new Date(r.createdAt) }));
  }

  async scrub(digits: string[]): Promise<Set<string>> {
    const hits = new Set<string>();
    for (let i = 0; i < digits.length; i += SCRUB_CHUNK) {
      const chunk = digits.slice(i, i + SCRUB_CHUNK);
      const rows: Array<{ number: string | number }> = this.postgres
        ? await this.ds.query(
            "SELECT DISTINCT n.number FROM dnc_numbers n JOIN dnc_lists l ON l.id = n.list_id AND l.status <> 'removed' WHERE n.number = ANY($1::bigint[])",
            [chunk],
          )
        : await this.ds
            .getRepository(DncNumberEntity)
            .createQueryBuilder('n')
            .innerJoin(DncListEntity, 'l', "l.id = n.list_id AND l.status <> 'removed'")
            .select('DISTINCT n.number', 'number')
            .where('n.number IN (:...chunk)', { chunk })
            .getRawMany();
      for (const r of rows) hits.add(String(r.number));
    }
    return hits;
  }

  async version(): Promise<string> {
    const [row] = await this.ds.query("SELECT COUNT(*) AS n, MAX(updated_at) AS at, SUM(number_count) AS total FROM dnc_lists WHERE status <> 'removed'");
    const r = row as { n: string | number; at: Date | string | null; total: string | number | null };
    return `${r.n}:${r.at ? new Date(r.at).getTime() : 0}:${r.total ?? 0}`;
  }

  async entriesAfter(after: string, limit: number): Promise<Array<{ number: string; listId: number }>> {
    if (!/^\d{1,15}$/.test(after) || !Number.isInteger(limit)) throw new Error('entriesAfter: bad arguments');
    const lists = (await this.ds.getRepository(DncListEntity).find({ select: { id: true }, where: { status: Not('removed') } })).map((l) => l.id);
    if (!lists.length) return [];
    // Walks the primary key (number, list_id) in order: no sort, no join.
    const p = this.postgres ? '$1' : '?';
    const rows: Array<{ number: string | number; list_id: string | number }> = await this.ds.query(
      `SELECT number, list_id FROM dnc_numbers WHERE number >= ${p} AND list_id IN (${lists.map((id) => Number(id)).join(',')}) ORDER BY number, list_id LIMIT ${limit}`,
      [after],
    );
    return rows.map((r) => ({ number: String(r.number), listId: Number(r.list_id) }));
  }

  async deleteNumbers(listId: number, batch: number): Promise<number> {
    const sql = this.postgres
      ? 'DELETE FROM dnc_numbers WHERE ctid IN (SELECT ctid FROM dnc_numbers WHERE list_id = $1 LIMIT $2)'
      : 'DELETE FROM dnc_numbers WHERE list_id = ? LIMIT ?';
    const runner = this.ds.createQueryRunner();
    try {
      const result = await runner.query(sql, [listId, batch], true);
      return result.affected ?? 0;
    } finally {
      await runner.release();
    }
  }
}
