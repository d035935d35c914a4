import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ReportStateHourEntity, ReportWatermarkEntity } from './report-rollup.entity.js';
import type { StateHour, StatePeriod } from './state-hours.js';

const ms = (v: Date | string): number => (v instanceof Date ? v.getTime() : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`));

/**
 * The report rollups' SQL: it reads the calls, conversations, dispositions and agent
 * state changes of other rooms (the read model's privilege) and writes only its own
 * hourly tables. Every rebuild of an hour range deletes the range and inserts it again,
 * set-based, inside the caller's transaction.
 */
@Injectable()
export class RollupsRepository {
  private readonly postgres: boolean;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    this.postgres = ds.options.type === 'postgres';
  }

  /** The UTC hour of a column, as the dialect truncates it. */
  private hourOf(col: string): string {
    return this.postgres ? `date_trunc('hour', ${col})` : `CAST(DATE_FORMAT(${col}, '%Y-%m-%d %H:00:00') AS DATETIME(3))`;
  }

  private p(i: number): string {
    return this.postgres ? `$${i}` : '?';
  }

  async watermark(name: string): Promise<Date | null> {
    const row = await this.ds.getRepository(ReportWatermarkEntity).findOne({ where: { name } });
    return row?.at ?? null;
  }

  async setWatermark(name: string, at: Date, em: EntityManager): Promise<void> {
    await em.getRepository(ReportWatermarkEntity).upsert({ name, at }, ['name']);
  }

  /** The first call ever placed, or null: where a rollup with no watermark starts. */
  async firstActivity(): Promise<Date | null> {
    const [call] = await this.ds.query(`SELECT MIN(placed_at) AS at FROM dial_calls`);
    const [state] = await this.ds.query(`SELECT MIN(at) AS at FROM agent_state_changes`);
    const all = [call?.at, state?.at].filter((v): v is Date | string => v != null).map(ms);
    return all.length ? new Date(Math.min(...all)) : null;
  }

  /** When the oldest call placed since `since` and not yet ended was placed (its hour is not settled). */
  async oldestOpenCall(since: Date): Promise<Date | null> {
    const [row] = await this.ds.query(`SELECT MIN(placed_at) AS at FROM dial_calls WHERE ended_at IS NULL AND placed_at >= ${this.p(1)}`, [since]);
    return row?.at != null ? new Date(ms(row.at)) : null;
  }

  /** The hours (by placing) of calls whose disposition changed since `since`, before `before`. */
  async hoursRedisposedSince(since: Date, before: Date): Promise<Date[]> {
    const rows: Array<{ hour: Date | string }> = await this.ds.query(
      `SELECT DISTINCT ${this.hourOf('c.placed_at')} AS hour FROM disposition_changes d JOIN dial_calls c ON c.conversation_id = d.conversation_id
       WHERE d.at >= ${this.p(1)} AND c.placed_at < ${this.p(2)}`,
      [since, before],
    );
    return rows.map((r) => new Date(ms(r.hour)));
  }

  /** Rebuilds the call and disposition hours of calls placed in [from, to). */
  async rebuildCallHours(from: Date, to: Date, em: EntityManager): Promise<void> {
    const [a, b] = [this.p(1), this.p(2)];
    await em.query(`DELETE FROM report_call_hours WHERE hour >= ${a} AND hour < ${b}`, [from, to]);
    await em.query(`DELETE FROM report_disposition_hours WHERE hour >= ${a} AND hour < ${b}`, [from, to]);
    const flag = (f: string) => `CASE WHEN COALESCE(dq.${f}, da.${f}) = TRUE THEN 1 ELSE 0 END`;
    await em.query(
      `INSERT INTO report_call_hours (hour, queue_id, agent_id, dials, answers, human_answers, machine_answers, voicemail_drops, abandons, handled, talk_seconds, hold_seconds, contacts, conversions)
       SELECT ${this.hourOf('c.placed_at')}, c.queue_id, COALESCE(c.agent_id, ''), COUNT(*),
         SUM(CASE WHEN c.answered_at IS NOT NULL THEN 1 ELSE 0 END),
         SUM(CASE WHEN c.human = TRUE THEN 1 ELSE 0 END),
         SUM(CASE WHEN c.answered_at IS NOT NULL AND c.human <> TRUE THEN 1 ELSE 0 END),
         SUM(CASE WHEN c.outcome = 'voicemail' THEN 1 ELSE 0 END),
         SUM(CASE WHEN c.outcome = 'abandoned' THEN 1 ELSE 0 END),
         SUM(CASE WHEN c.bridged_at IS NOT NULL THEN 1 ELSE 0 END),
         SUM(COALESCE(c.talk_seconds, 0)), SUM(COALESCE(v.hold_seconds, 0)), SUM(${flag('contacted')}), SUM(${flag('success')})
       FROM dial_calls c
       LEFT JOIN conversations v ON v.id = c.conversation_id
       LEFT JOIN dispositions dq ON dq.scope_type = 'queue' AND dq.scope_id = c.queue_id AND dq.code = v.disposition
       LEFT JOIN dispositions da ON da.scope_type = 'account' AND da.scope_id = '' AND da.code = v.disposition
       WHERE c.placed_at >= ${a} AND c.placed_at < ${b}
       GROUP BY ${this.hourOf('c.placed_at')}, c.queue_id, COALESCE(c.agent_id, '')`,
      [from, to],
    );
    await em.query(
      `INSERT INTO report_disposition_hours (hour, queue_id, agent_id, code, calls)
       SELECT ${this.hourOf('c.placed_at')}, c.queue_id, COALESCE(c.agent_id, ''), v.disposition, COUNT(*)
       FROM dial_calls c JOIN conversations v ON v.id = c.conversation_id
       WHERE c.placed_at >= ${a} AND c.placed_at < ${b} AND v.disposition IS NOT NULL
       GROUP BY ${this.hourOf('c.placed_at')}, c.queue_id, COALESCE(c.agent_id, ''), v.disposition`,
      [from, to],
    );
  }

  /**
   * The state periods that ended after `from` (each change ends its `from_state`, which
   * lasted `duration_ms`; a pause's reason is the one given when it began), and those still
   * running at `now` (each agent's presence, from `state_since`).
   */
  async statePeriodsEndingAfter(from: Date, now: Date): Promise<StatePeriod[]> {
    const ended: Array<{ agentId: string; state: string; reason: string | null; at: Date | string; durationMs: string | number }> = await this.ds.query(
      `SELECT c.user_id AS "agentId", c.from_state AS state, c.at AS at, c.duration_ms AS "durationMs",
         CASE WHEN c.from_state = 'paused' THEN (SELECT p.reason FROM agent_state_changes p WHERE p.user_id = c.user_id AND p.at < c.at ORDER BY p.at DESC LIMIT 1) END AS reason
       FROM agent_state_changes c WHERE c.at > ${this.p(1)} AND c.from_state <> 'offline'`.replace(/"(\w+)"/g, this.postgres ? '"$1"' : '`$1`'),
      [from],
    );
    const open: Array<{ agentId: string; state: string; reason: string | null; since: Date | string }> = await this.ds.query(
      `SELECT user_id AS "agentId", state, reason, state_since AS since FROM agent_presence WHERE state <> 'offline'`.replace(/"(\w+)"/g, this.postgres ? '"$1"' : '`$1`'),
    );
    const periods: StatePeriod[] = ended.map((r) => {
      const end = ms(r.at);
      return { agentId: r.agentId, state: r.state, reason: r.state === 'paused' ? (r.reason ?? '') : '', start: end - Number(r.durationMs), end };
    });
    for (const r of open) periods.push({ agentId: r.agentId, state: r.state, reason: r.state === 'paused' ? (r.reason ?? '') : '', start: ms(r.since), end: now.getTime() });
    return periods;
  }

  /** Replaces the state hours in [from, to) by `rows`. */
  async replaceStateHours(from: Date, to: Date, rows: StateHour[], em: EntityManager): Promise<void> {
    await em.query(`DELETE FROM report_state_hours WHERE hour >= ${this.p(1)} AND hour < ${this.p(2)}`, [from, to]);
    const repo = em.getRepository(ReportStateHourEntity);
    for (let i = 0; i < rows.length; i += 1000) await repo.insert(rows.slice(i, i + 1000));
  }
}
