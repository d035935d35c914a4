import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CallCounts } from './report-rollup.entity.js';

const ZoneColumn = (): PropertyDecorator => PrimaryColumn({ type: 'varchar', length: 64 });
/** The instant the day began in its zone (a local midnight, in UTC). */
const DayColumn = (): PropertyDecorator => PrimaryColumn({ name: 'day', type: Date, precision: 3 });
const Count = (name: string): PropertyDecorator => Column({ name, type: 'int', default: 0 });

/**
 * The day rollups: the hour rollups summed over the days of one zone (the floor's), kept by
 * the same job, so a report by day over a month reads a row per agent and day instead of one
 * per hour. A day is rebuilt whole from its hours whenever one of them is.
 */
@Entity('report_call_days')
export class ReportCallDayEntity extends CallCounts {
  @ZoneColumn()
  zone: string;

  @DayColumn()
  day: Date;

  @PrimaryColumn({ name: 'queue_id', type: 'varchar', length: 36 })
  queueId: string;

  @PrimaryColumn({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId: string;
}

/** An agent's seconds in a state (and reason) over one day of the zone. */
@Entity('report_state_days')
export class ReportStateDayEntity {
  @ZoneColumn()
  zone: string;

  @DayColumn()
  day: Date;

  @PrimaryColumn({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  state: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  reason: string;

  @Count('seconds')
  seconds: number;
}

/** A queue's calls per disposition code and agent over one day of the zone. */
@Entity('report_disposition_days')
export class ReportDispositionDayEntity {
  @ZoneColumn()
  zone: string;

  @DayColumn()
  day: Date;

  @PrimaryColumn({ name: 'queue_id', type: 'varchar', length: 36 })
  queueId: string;

  @PrimaryColumn({ name: 'agent_id', type: 'varchar', length: 36 })
  agentId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  code: string;

  @Count('calls')
  calls: number;
}
