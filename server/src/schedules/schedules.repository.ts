import { Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { ParticipantActionEntity, ScheduleEntity } from './schedule.entity.js';

/** Where a participant action stands: its schedule, its enrollment, its status. */
export interface ActionRefs {
  scheduleId: string;
  enrollmentId: string;
  status: string;
}

/** Persistence port for what other rooms ask of schedules and their participant actions. */
export abstract class SchedulesRepository {
  /** Whether a schedule exists and is not deleted. */
  abstract scheduleExists(id: string): Promise<boolean>;
  /** A participant action's schedule, enrollment and status; null when there is no such action. */
  abstract actionRefs(id: string): Promise<ActionRefs | null>;
}

@Injectable()
export class TypeormSchedulesRepository extends SchedulesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  async scheduleExists(id: string): Promise<boolean> {
    return (await this.ds.getRepository(ScheduleEntity).countBy({ id, deletedAt: IsNull() })) > 0;
  }

  actionRefs(id: string): Promise<ActionRefs | null> {
    return this.ds.getRepository(ParticipantActionEntity).findOne({ select: { scheduleId: true, enrollmentId: true, status: true }, where: { id } });
  }
}

/**
 * The port alone, for rooms that only ask: importing it does not pull in the schedules'
 * module (its engine and its listeners).
 */
@Module({
  providers: [{ provide: SchedulesRepository, useClass: TypeormSchedulesRepository }],
  exports: [SchedulesRepository],
})
export class SchedulesRepositoryModule {}
