import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SmsTemplateEntity } from './sms-template.entity.js';

/** The SMS templates table. A taken name (its `name_key`) throws the unique violation. */
@Injectable()
export class SmsTemplatesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private get rows() {
    return this.ds.getRepository(SmsTemplateEntity);
  }

  /** Every template, by name. */
  listByName(): Promise<SmsTemplateEntity[]> {
    return this.rows.find({ order: { name: 'ASC' } });
  }

  findById(id: string): Promise<SmsTemplateEntity | null> {
    return this.rows.findOneBy({ id });
  }

  async insert(row: SmsTemplateEntity): Promise<void> {
    await this.rows.insert({ ...row });
  }

  async save(row: SmsTemplateEntity): Promise<void> {
    await this.rows.save(row);
  }

  /** Deletes the template; false if there was none. */
  async remove(id: string): Promise<boolean> {
    return !!(await this.rows.delete({ id })).affected;
  }
}
