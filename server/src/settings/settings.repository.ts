import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountSettingsEntity } from './account-settings.entity.js';

export abstract class SettingsRepository {
  abstract get(): Promise<AccountSettingsEntity | null>;
  abstract save(settings: AccountSettingsEntity): Promise<void>;
}

@Injectable()
export class TypeormSettingsRepository extends SettingsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  get(): Promise<AccountSettingsEntity | null> {
    return this.ds.getRepository(AccountSettingsEntity).findOneBy({ id: 1 });
  }

  async save(settings: AccountSettingsEntity): Promise<void> {
    await this.ds.getRepository(AccountSettingsEntity).upsert({ ...settings, id: 1 }, ['id']);
  }
}
