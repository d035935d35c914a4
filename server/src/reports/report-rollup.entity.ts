import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns.js';

const HourColumn = (): PropertyDecorator => PrimaryColumn({ name: 'hour', type: Date, precision: 3 });
const Count = (name: string): PropertyDecorator => Column({ name, type: 'int', default: 0 });

/** The figures of a queue's calls summed in a rollup row (an hour's, a day's). */
export abstract class CallCounts {
  @Count('dials')
  dials: number;

  /** Answered by a person or a machine. */
  @Count('answers')
  answers: number;

  @Count('human_answers')
  humanAnswers: number;

  @Count('machine_answers')
  machineAnswers: number;

  @Count('voicemail_drops')
  voicemailDrops: number;

  @Count('abandons')
  abandons: number;

  /** Calls bridged to an agent (the handled calls of the average handle time). */
  @Count('handled')
  handled: number;

  @Count('talk_seconds')
  talkSeconds: number;

  /** Seconds a person was held (the calls' `conversations.hold_seconds`). */
  @Count('hold_seconds')
  holdSeconds: number;

  /** Calls whose disposition counts as a contact. */
  @Count('contacts')
  contacts: number;

  /** Calls whose disposition counts as a success. */
  @Count('conversions')
  conversions: number;
}

/**
 * A queue's calls in one UTC hour (by when they were placed), per agent ('' when no agent
 * took the call): kept by the report rollup, recomputed whole for every hour it touches.
 */
@Entity('report_call_hours')
export class ReportCallHourEntity extends CallCounts {
  @HourColumn()
  hour: Date;

  @PrimaryColumn({ name: 'queue_id', type: 'varchar', length: 36 })
  queueId: string;

  @PrimaryColumn({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId: string;
}

/** Seconds an agent spent in a state (and, paused, with a reason: '' for none) within one UTC hour, from the agent state changes. */
@Entity('report_state_hours')
export class ReportStateHourEntity {
  @HourColumn()
  hour: Date;

  @PrimaryColumn({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  state: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  reason: string;

  @Count('seconds')
  seconds: number;
}

/** How many of a queue's calls placed in one UTC hour carry each disposition code, per agent. */
@Entity('report_disposition_hours')
export class ReportDispositionHourEntity {
  @HourColumn()
  hour: Date;

  @PrimaryColumn({ name: 'queue_id', type: 'varchar', length: 36 })
  queueId: string;

  @PrimaryColumn({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  code: string;

  @Count('calls')
  calls: number;
}

/** Where a rollup has got to: every hour from `hour(at)` on is recomputed by its next run. */
@Entity('report_watermarks')
export class ReportWatermarkEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  name: string;

  @InstantColumn()
  at: Date;
}
