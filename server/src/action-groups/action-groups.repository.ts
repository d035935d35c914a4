import { Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { ActionGroupEntity, ActionGroupRunEntity, ActionGroupRunStepEntity } from './action-group.entity.js';

/** A run step's finish: what the action reported, and when (null while held). */
export type StepFinish = Pick<ActionGroupRunStepEntity, 'status' | 'outcome' | 'detail' | 'error' | 'finishedAt' | 'durationMs'>;

/**
 * Persistence port for action groups, their runs and the runs' steps (the audit trail).
 * Other rooms ask only `exists`. A change fenced by a status says whether it applied.
 */
export abstract class ActionGroupsRepository {
  /** Whether an action group exists (a disposition names the group it fires). */
  abstract exists(id: string): Promise<boolean>;
  abstract findById(id: string): Promise<ActionGroupEntity | null>;
  /** Whether the group exists and is active. */
  abstract isActive(id: string): Promise<boolean>;
  /** Every group, by name. */
  abstract listByName(): Promise<ActionGroupEntity[]>;
  /** Every group, in no order (to walk what includes what). */
  abstract listAll(): Promise<ActionGroupEntity[]>;
  /** The active groups, by name. */
  abstract listActiveByName(): Promise<ActionGroupEntity[]>;
  /** A new group; a taken name throws the unique violation. */
  abstract insert(row: ActionGroupEntity): Promise<void>;
  /** A group's new state; a taken name throws the unique violation. */
  abstract save(row: ActionGroupEntity): Promise<void>;
  abstract remove(id: string): Promise<void>;

  abstract findRun(id: string): Promise<ActionGroupRunEntity | null>;
  /** The run, which must exist. */
  abstract getRun(id: string): Promise<ActionGroupRunEntity>;
  abstract findRunByKey(runKey: string): Promise<ActionGroupRunEntity | null>;
  /** The run of this key, which must exist. */
  abstract getRunByKey(runKey: string): Promise<ActionGroupRunEntity>;
  /** A new run; a key taken (another runner made it first) throws the unique violation. */
  abstract insertRun(row: ActionGroupRunEntity): Promise<void>;
  /** A held run goes on: running again. */
  abstract resumeHeldRun(id: string): Promise<boolean>;
  /** A running run waits for capacity: held. */
  abstract holdRun(id: string): Promise<boolean>;
  /** A running run ends (completed or failed) at `at`. */
  abstract finishRun(id: string, status: 'completed' | 'failed', at: Date): Promise<boolean>;
  /** A group's latest runs, newest first. */
  abstract runsOf(groupId: string, limit: number): Promise<ActionGroupRunEntity[]>;

  abstract stepsOf(runId: string): Promise<ActionGroupRunStepEntity[]>;
  abstract stepsOfRuns(runIds: string[]): Promise<ActionGroupRunStepEntity[]>;
  /** A step written as it starts; its path taken in the run (another pass is on it) throws the unique violation. */
  abstract insertStep(row: ActionGroupRunStepEntity): Promise<void>;
  /** A held step is tried again: running, from `startedAt`. */
  abstract retryHeldStep(id: string, startedAt: Date): Promise<boolean>;
  abstract finishStep(id: string, finish: StepFinish): Promise<void>;
}

@Injectable()
export class TypeormActionGroupsRepository extends ActionGroupsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  private get groups() {
    return this.ds.getRepository(ActionGroupEntity);
  }

  private get runs() {
    return this.ds.getRepository(ActionGroupRunEntity);
  }

  private get steps() {
    return this.ds.getRepository(ActionGroupRunStepEntity);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.groups.countBy({ id })) > 0;
  }

  findById(id: string): Promise<ActionGroupEntity | null> {
    return this.groups.findOneBy({ id });
  }

  async isActive(id: string): Promise<boolean> {
    return !!(await this.groups.findOne({ select: { id: true, active: true }, where: { id } }))?.active;
  }

  listByName(): Promise<ActionGroupEntity[]> {
    return this.groups.find({ order: { name: 'ASC' } });
  }

  listAll(): Promise<ActionGroupEntity[]> {
    return this.groups.find();
  }

  listActiveByName(): Promise<ActionGroupEntity[]> {
    return this.groups.find({ where: { active: true }, order: { name: 'ASC' } });
  }

  async insert(row: ActionGroupEntity): Promise<void> {
    await this.groups.insert({ ...row });
  }

  async save(row: ActionGroupEntity): Promise<void> {
    await this.groups.save(row);
  }

  async remove(id: string): Promise<void> {
    await this.groups.delete({ id });
  }

  findRun(id: string): Promise<ActionGroupRunEntity | null> {
    return this.runs.findOneBy({ id });
  }

  getRun(id: string): Promise<ActionGroupRunEntity> {
    return this.runs.findOneByOrFail({ id });
  }

  findRunByKey(runKey: string): Promise<ActionGroupRunEntity | null> {
    return this.runs.findOneBy({ runKey });
  }

  getRunByKey(runKey: string): Promise<ActionGroupRunEntity> {
    return this.runs.findOneByOrFail({ runKey });
  }

  async insertRun(row: ActionGroupRunEntity): Promise<void> {
    await this.runs.insert({ ...row });
  }

  async resumeHeldRun(id: string): Promise<boolean> {
    return affected(await this.runs.update({ id, status: 'held' }, { status: 'running' }));
  }

  async holdRun(id: string): Promise<boolean> {
    return affected(await this.runs.update({ id, status: 'running' }, { status: 'held' }));
  }

  async finishRun(id: string, status: 'completed' | 'failed', at: Date): Promise<boolean> {
    return affected(await this.runs.update({ id, status: 'running' }, { status, finishedAt: at }));
  }

  runsOf(groupId: string, limit: number): Promise<ActionGroupRunEntity[]> {
    return this.runs.find({ where: { groupId }, order: { startedAt: 'DESC', id: 'DESC' }, take: limit });
  }

  stepsOf(runId: string): Promise<ActionGroupRunStepEntity[]> {
    return this.steps.findBy({ runId });
  }

  stepsOfRuns(runIds: string[]): Promise<ActionGroupRunStepEntity[]> {
    return this.steps.findBy({ runId: In(runIds) });
  }

  async insertStep(row: ActionGroupRunStepEntity): Promise<void> {
    await this.steps.insert(row);
  }

  async retryHeldStep(id: string, startedAt: Date): Promise<boolean> {
    return affected(await this.steps.update({ id, status: 'held' }, { status: 'running', startedAt }));
  }

  async finishStep(id: string, finish: StepFinish): Promise<void> {
    await this.steps.update({ id }, finish);
  }
}

function affected(r: { affected?: number | null }): boolean {
  return (r.affected ?? 0) > 0;
}

/**
 * The port alone, for rooms that only ask: importing it does not pull in the action
 * groups' module (its runner and its listeners).
 */
@Module({
  providers: [{ provide: ActionGroupsRepository, useClass: TypeormActionGroupsRepository }],
  exports: [ActionGroupsRepository],
})
export class ActionGroupsRepositoryModule {}
