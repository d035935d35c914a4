import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LeadViewEntity } from './lead-view.entity.js';

/** Persistence port for saved lead views (a schedule's audience may name one). */
export abstract class LeadViewsRepository {
  abstract exists(id: string): Promise<boolean>;
  abstract findById(id: string): Promise<LeadViewEntity | null>;
  /** Every view, by name. */
  abstract list(): Promise<LeadViewEntity[]>;
  /** Throws the database's unique violation when the name is taken. */
  abstract insert(view: LeadViewEntity): Promise<void>;
  abstract delete(id: string): Promise<void>;
}

@Injectable()
export class TypeormLeadViewsRepository extends LeadViewsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  private get views() {
    return this.ds.getRepository(LeadViewEntity);
  }

  exists(id: string): Promise<boolean> {
    return this.views.existsBy({ id });
  }

  findById(id: string): Promise<LeadViewEntity | null> {
    return this.views.findOneBy({ id });
  }

  list(): Promise<LeadViewEntity[]> {
    return this.views.find({ order: { name: 'ASC' } });
  }

  async insert(view: LeadViewEntity): Promise<void> {
    await this.views.insert({ ...view });
  }

  async delete(id: string): Promise<void> {
    await this.views.delete({ id });
  }
}
