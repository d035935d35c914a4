import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn } from '../database/columns.js';

/** Each agent's state now, and what their softphone last said of itself. */
@Entity('agent_presence')
export class AgentPresenceEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  /** offline | ready | reserved | on_call | wrap_up | paused */
  @Column({ type: 'varchar', length: 16 })
  state: string;

  /** The pause reason code, or why the system set the state. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  reason: string | null;

  @InstantColumn({ name: 'state_since' })
  stateSince: Date;

  @InstantColumn({ name: 'last_heartbeat_at', nullable: true })
  lastHeartbeatAt: Date | null;

  /** Set by the stale sweep when heartbeats stopped; cleared by the next heartbeat. */
  @Column({ type: 'boolean', default: false })
  stale: boolean;

  /** The softphone's health as JSON text ({ phone, microphone }). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  health: string | null;

  /** pause | sign-off once the current call's disposition is saved; null: Ready as usual. */
  @Column({ name: 'after_call', type: 'varchar', length: 12, nullable: true })
  afterCall: string | null;

  /** Offers in a row the agent's phone left unanswered (reset when they answer one, and when they are paused for it). */
  @Column({ name: 'missed_offers', type: 'int', default: 0 })
  missedOffers: number;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}

/** Every state change, kept for reporting (time in state, pauses by reason). */
@Entity('agent_state_changes')
@Index('ix_agent_state_changes_user', ['userId', 'at'])
// The report rollup reads the changes of recent hours across every agent.
@Index('ix_agent_state_changes_at', ['at'])
export class AgentStateChangeEntity {
  @IdColumn()
  id: string;

  @RefColumn({ name: 'user_id' })
  userId: string;

  @Column({ name: 'from_state', type: 'varchar', length: 16 })
  fromState: string;

  @Column({ name: 'to_state', type: 'varchar', length: 16 })
  toState: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reason: string | null;

  /** Who made the change: the agent, a supervisor, or null for the system. */
  @RefColumn({ name: 'actor_id', nullable: true })
  actorId: string | null;

  @InstantColumn()
  at: Date;

  /** How long the agent had been in `from_state`. */
  @Column({ name: 'duration_ms', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  durationMs: number;
}
