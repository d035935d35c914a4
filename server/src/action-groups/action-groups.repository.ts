import { Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ActionGroupEntity } from './action-group.entity.js';

/** Persistence port for what other rooms ask of action groups. */
export abstract class ActionGroupsRepository {
  /** Whether an action group exists (a disposition names the group it fires). */
  abstract exists(id: string): Promise<boolean>;
}

@Injectable()
export class TypeormActionGroupsRepository extends ActionGroupsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  async exists(id: string): Promise<boolean> {
    return (await this.ds.getRepository(ActionGroupEntity).countBy({ id })) > 0;
  }
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
