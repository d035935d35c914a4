import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { bucketOf } from './sql.js';

/** Where a report's figures are summed: one range of UTC hours, cut into buckets. */
export interface ReportWindow {
  from: Date;
  to: Date;
  /** Bucket starts, ascending (local midnights for days); null: one bucket per UTC hour. */
  starts: Date[] | null;
  /** The zone whose day rollups hold whole days (by day only): read those instead of the hours. */
  daysZone?: string;
  queueId?: string;
  agentId?: string;
}

type Num = string | number | null;
export type Row<K extends string> = { at: Date | string } & Record<K, Num> & { queueId?: string; agentId?: string; code?: string; state?: string; reason?: string };

/** One call for the abandon evidence, its timings in seconds. */
export interface EvidenceCall {
  conversationId: string;
  queueId: string;
  leadId: string;
  agentId: string | null;
  placedAt: Date | string;
  answeredAt: Date | string | null;
  bridgedAt: Date | string | null;
  endedAt: Date | string | null;
  human: boolean | number;
  outcome: string | null;
}

/**
 * The reports' reads: the rollup tables (report_*_days by day, report_*_hours otherwise) for the figures, the raw dial
 * calls for the abandon evidence, names from users and dial queues. It writes nothing.
 */
@Injectable()
export class ReportsRepository {
  private readonly postgres: boolean;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    this.postgres = ds.options.type === 'postgres';
  }

  private q(sql: string): string {
    let i = 0;
    const s = this.postgres ? sql.replace(/\?/g, () => `$${++i}`) : sql.replace(/"(\w+)"/g, '`$1`');
    return s;
  }

  /** The bucket a UTC instant column falls in, as the bucket's start (each UTC hour its own without `starts`). */
  private bucket(col: string, starts: Date[] | null): string {
    return starts ? bucketOf(col, starts) : col;
  }

  /**
   * Where a report's rows come from: the zone's day rollup when the window is by day and
   * its days are whole, else the hour rollup cut into the window's buckets. `at` is the
   * bucket's start, `sql` the window's and filters' conditions.
   */
  private source(w: ReportWindow, rollup: 'call' | 'state' | 'disposition', alias: string, withQueue = true): { table: string; at: string; sql: string; params: unknown[] } {
    const days = !!(w.starts && w.daysZone);
    const col = `${alias}.${days ? 'day' : 'hour'}`;
    const parts = [`${col} >= ?`, `${col} < ?`];
    const params: unknown[] = [w.from, w.to];
    if (days) (parts.unshift(`${alias}.zone = ?`), params.unshift(w.daysZone));
    if (withQueue && w.queueId) (parts.push(`${alias}.queue_id = ?`), params.push(w.queueId));
    if (w.agentId) (parts.push(`${alias}.agent_id = ?`), params.push(w.agentId));
    return { table: `report_${rollup}_${days ? 'days' : 'hours'} ${alias}`, at: days ? col : this.bucket(col, w.starts), sql: parts.join(' AND '), params };
  }

  /** Per bucket and agent (agents only): calls handled, dials, talk, hold, contacts, conversions. */
  agentCalls(w: ReportWindow): Promise<Array<Row<'handled' | 'dials' | 'talk' | 'hold' | 'contacts' | 'conversions'>>> {
    const f = this.source(w, 'call', 'r');
    return this.ds.query(
      this.q(`SELECT ${f.at} AS at, r.agent_id AS "agentId", SUM(r.handled) AS handled, SUM(r.dials) AS dials, SUM(r.talk_seconds) AS talk, SUM(r.hold_seconds) AS hold, SUM(r.contacts) AS contacts, SUM(r.conversions) AS conversions
       FROM ${f.table} WHERE ${f.sql} AND r.agent_id <> '' GROUP BY ${f.at}, r.agent_id`),
      f.params,
    );
  }

  /** Per bucket, agent, state and reason: seconds (a queue: its agents only). */
  agentStates(w: ReportWindow): Promise<Array<Row<'seconds'>>> {
    const f = this.source(w, 'state', 's', false);
    const member = w.queueId ? ' AND s.agent_id IN (SELECT qa.user_id FROM dial_queue_agents qa WHERE qa.queue_id = ?)' : '';
    return this.ds.query(
      this.q(`SELECT ${f.at} AS at, s.agent_id AS "agentId", s.state AS state, s.reason AS reason, SUM(s.seconds) AS seconds
       FROM ${f.table} WHERE ${f.sql}${member} GROUP BY ${f.at}, s.agent_id, s.state, s.reason`),
      w.queueId ? [...f.params, w.queueId] : f.params,
    );
  }

  /** Per bucket, queue, agent ('' for none) and code: calls. */
  dispositions(w: ReportWindow): Promise<Array<Row<'calls'>>> {
    const f = this.source(w, 'disposition', 'd');
    return this.ds.query(
      this.q(`SELECT ${f.at} AS at, d.queue_id AS "queueId", d.agent_id AS "agentId", d.code AS code, SUM(d.calls) AS calls
       FROM ${f.table} WHERE ${f.sql} GROUP BY ${f.at}, d.queue_id, d.agent_id, d.code`),
      f.params,
    );
  }

  /** Per bucket and queue: the call figures. */
  queueCalls(w: ReportWindow): Promise<Array<Row<'dials' | 'answers' | 'human' | 'machine' | 'voicemail' | 'abandons' | 'contacts' | 'conversions'>>> {
    const f = this.source(w, 'call', 'r');
    return this.ds.query(
      this.q(`SELECT ${f.at} AS at, r.queue_id AS "queueId", SUM(r.dials) AS dials, SUM(r.answers) AS answers, SUM(r.human_answers) AS human, SUM(r.machine_answers) AS machine,
         SUM(r.voicemail_drops) AS voicemail, SUM(r.abandons) AS abandons, SUM(r.contacts) AS contacts, SUM(r.conversions) AS conversions
       FROM ${f.table} WHERE ${f.sql} GROUP BY ${f.at}, r.queue_id`),
      f.params,
    );
  }

  /** Per bucket and queue: the logged-in seconds of the queue's agents. */
  queueAgentSeconds(w: ReportWindow): Promise<Array<Row<'seconds'>>> {
    const f = this.source(w, 'state', 's', false);
    const queue = w.queueId ? ' AND qa.queue_id = ?' : '';
    return this.ds.query(
      this.q(`SELECT ${f.at} AS at, qa.queue_id AS "queueId", SUM(s.seconds) AS seconds
       FROM ${f.table} JOIN dial_queue_agents qa ON qa.user_id = s.agent_id WHERE ${f.sql}${queue} GROUP BY ${f.at}, qa.queue_id`),
      w.queueId ? [...f.params, w.queueId] : f.params,
    );
  }

  private seconds(a: string, b: string): string {
    return this.postgres ? `EXTRACT(EPOCH FROM (${b} - ${a}))` : `(TIMESTAMPDIFF(MICROSECOND, ${a}, ${b}) / 1000000)`;
  }

  /** Per day (by `starts`) and queue, from the raw calls: the abandon evidence's counts. */
  abandonCounts(w: ReportWindow): Promise<Array<Row<'answered' | 'abandons' | 'twoSecond' | 'message' | 'unanswered' | 'rang15'>>> {
    const b = this.bucket('c.placed_at', w.starts);
    const params: unknown[] = [true, true, w.from, w.to];
    const queue = w.queueId ? ' AND c.queue_id = ?' : '';
    if (w.queueId) params.push(w.queueId);
    return this.ds.query(
      this.q(`SELECT ${b} AS at, c.queue_id AS "queueId",
         SUM(CASE WHEN c.human = ? THEN 1 ELSE 0 END) AS answered,
         SUM(CASE WHEN c.outcome = 'abandoned' THEN 1 ELSE 0 END) AS abandons,
         SUM(CASE WHEN c.human = ? AND ((c.bridged_at IS NOT NULL AND ${this.seconds('c.answered_at', 'c.bridged_at')} <= 2) OR (c.bridged_at IS NULL AND c.outcome = 'abandoned')) THEN 1 ELSE 0 END) AS "twoSecond",
         SUM(CASE WHEN c.outcome = 'abandoned' AND c.ended_at IS NOT NULL AND ${this.seconds('c.answered_at', 'c.ended_at')} >= 2 THEN 1 ELSE 0 END) AS message,
         SUM(CASE WHEN c.answered_at IS NULL AND c.outcome = 'no-answer' THEN 1 ELSE 0 END) AS unanswered,
         SUM(CASE WHEN c.answered_at IS NULL AND c.outcome = 'no-answer' AND ${this.seconds('c.placed_at', 'c.ended_at')} >= 15 THEN 1 ELSE 0 END) AS rang15
       FROM dial_calls c WHERE c.placed_at >= ? AND c.placed_at < ?${queue} GROUP BY ${b}, c.queue_id`),
      params,
    );
  }

  /** The calls placed in [from, to) (one queue, or all) after the key `after`, in order, `limit` at a time: the drill-down's cursor. */
  callsPage(w: ReportWindow, after: { placedAt: Date; id: string } | null, limit: number): Promise<EvidenceCall[]> {
    const params: unknown[] = [w.from, w.to];
    let sql = `SELECT c.conversation_id AS "conversationId", c.queue_id AS "queueId", c.lead_id AS "leadId", c.agent_id AS "agentId", c.placed_at AS "placedAt",
        c.answered_at AS "answeredAt", c.bridged_at AS "bridgedAt", c.ended_at AS "endedAt", c.human AS human, c.outcome AS outcome
      FROM dial_calls c WHERE c.placed_at >= ? AND c.placed_at < ?`;
    if (w.queueId) (sql += ' AND c.queue_id = ?', params.push(w.queueId));
    // The bound on placed_at alone lets the index start at the key; the rest skips the calls of that instant already given.
    if (after) (sql += ' AND c.placed_at >= ? AND (c.placed_at > ? OR c.conversation_id > ?)', params.push(after.placedAt, after.placedAt, after.id));
    sql += ` ORDER BY c.placed_at, c.conversation_id LIMIT ${Math.floor(limit)}`;
    return this.ds.query(this.q(sql), params);
  }

  /** Names of queues and users, by id. */
  async names(): Promise<{ queues: Map<string, string>; users: Map<string, string> }> {
    const queues: Array<{ id: string; name: string }> = await this.ds.query('SELECT id, name FROM dial_queues');
    const users: Array<{ id: string; name: string }> = await this.ds.query('SELECT id, name FROM users');
    return { queues: new Map(queues.map((r) => [r.id, r.name])), users: new Map(users.map((r) => [r.id, r.name])) };
  }

  /** Whether the day rollups of `zone` hold whole days (the rollup job has built them for it). */
  async daysBuiltFor(zone: string): Promise<boolean> {
    const rows = await this.ds.query(this.q('SELECT 1 AS one FROM report_watermarks WHERE name = ?'), [`days:${zone}`]);
    return rows.length > 0;
  }

  async queueExists(id: string): Promise<boolean> {
    const rows = await this.ds.query(this.q('SELECT 1 AS one FROM dial_queues WHERE id = ?'), [id]);
    return rows.length > 0;
  }

  async userExists(id: string): Promise<boolean> {
    const rows = await this.ds.query(this.q('SELECT 1 AS one FROM users WHERE id = ?'), [id]);
    return rows.length > 0;
  }
}
