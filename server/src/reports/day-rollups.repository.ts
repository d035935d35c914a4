import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { bucketOf } from './sql.js';

/** One day rollup: the hour table it sums, its own, the columns it groups by and those it sums. */
interface DayTable {
  hours: string;
  days: string;
  keys: string[];
  sums: string[];
}

const CALL_COUNTS = ['dials', 'answers', 'human_answers', 'machine_answers', 'voicemail_drops', 'abandons', 'handled', 'talk_seconds', 'hold_seconds', 'contacts', 'conversions'];
const TABLES: DayTable[] = [
  { hours: 'report_call_hours', days: 'report_call_days', keys: ['queue_id', 'agent_id'], sums: CALL_COUNTS },
  { hours: 'report_state_hours', days: 'report_state_days', keys: ['agent_id', 'state', 'reason'], sums: ['seconds'] },
  { hours: 'report_disposition_hours', days: 'report_disposition_days', keys: ['queue_id', 'agent_id', 'code'], sums: ['calls'] },
];

/**
 * The day rollups' SQL: each day of a zone is the sum of its hours, rebuilt whole (deleted
 * and inserted again, set-based) inside the caller's transaction, after its hours were.
 */
@Injectable()
export class DayRollupsRepository {
  private readonly postgres: boolean;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    this.postgres = ds.options.type === 'postgres';
  }

  private p(i: number): string {
    return this.postgres ? `$${i}` : '?';
  }

  /** The earliest hour any hour rollup holds: where a zone's days are first built from. */
  async firstHour(): Promise<Date | null> {
    const rows: Array<{ at: Date | string | null }> = await this.ds.query(
      `SELECT MIN(at) AS at FROM (SELECT MIN(hour) AS at FROM report_call_hours UNION ALL SELECT MIN(hour) FROM report_state_hours) t`,
    );
    const at = rows[0]?.at;
    if (at == null) return null;
    return at instanceof Date ? at : new Date(`${String(at).replace(' ', 'T')}Z`);
  }

  /** Drops the days of every zone but `zone` and the marks that they were whole: a zone left behind is not kept, and is built anew if the floor comes back to it. */
  async forgetOtherZones(zone: string, em: EntityManager): Promise<void> {
    await em.query(`DELETE FROM report_watermarks WHERE name LIKE 'days:%' AND name <> ${this.p(1)}`, [`days:${zone}`]);
    for (const t of TABLES) await em.query(`DELETE FROM ${t.days} WHERE zone <> ${this.p(1)}`, [zone]);
  }

  /**
   * Rebuilds the days of `zone` that begin at `starts` (consecutive local midnights, in
   * order) and end at `end`, from the hours within them.
   */
  async rebuildDays(zone: string, starts: Date[], end: Date, em: EntityManager): Promise<void> {
    if (!starts.length) return;
    const day = bucketOf('hour', starts);
    for (const t of TABLES) {
      await em.query(`DELETE FROM ${t.days} WHERE zone = ${this.p(1)} AND day >= ${this.p(2)} AND day < ${this.p(3)}`, [zone, starts[0], end]);
      const keys = t.keys.join(', ');
      await em.query(
        `INSERT INTO ${t.days} (zone, day, ${keys}, ${t.sums.join(', ')})
         SELECT ${this.postgres ? 'CAST($1 AS varchar)' : '?'}, ${day}, ${keys}, ${t.sums.map((c) => `SUM(${c})`).join(', ')}
         FROM ${t.hours} WHERE hour >= ${this.p(2)} AND hour < ${this.p(3)}
         GROUP BY ${day}, ${keys}`,
        [zone, starts[0], end],
      );
    }
  }
}
