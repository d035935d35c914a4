import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { CallbackEntity } from './callback.entity.js';

/** A callback as stored, for the rooms that read callbacks through this port. */
export type Callback = CallbackEntity;

/** Persistence port for callbacks: what the dialer and the dispositions read of them. */
export abstract class CallbacksRepository {
  abstract findById(id: string): Promise<CallbackEntity | null>;
  /** Several callbacks in one statement; ids with no callback are absent. */
  abstract findByIds(ids: string[]): Promise<CallbackEntity[]>;
}

@Injectable()
export class TypeormCallbacksRepository extends CallbacksRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  findById(id: string): Promise<CallbackEntity | null> {
    return this.ds.getRepository(CallbackEntity).findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<CallbackEntity[]> {
    return this.ds.getRepository(CallbackEntity).find({ where: { id: In(ids) } });
  }
}
