import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AccountSettingsEntity } from './account-settings.entity.js';

export interface AccountSettings {
  defaultTimezone: string;
  defaultCountry: string;
}

/** What an account has before anyone saves its settings. */
export const DEFAULT_SETTINGS: AccountSettings = { defaultTimezone: 'America/New_York', defaultCountry: 'US' };

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

/**
 * Inside a caller's transaction (or on `em` = the data source's manager): the account's
 * default time zone, or the built-in default when none is saved.
 */
export async function defaultTimezoneIn(em: EntityManager): Promise<string> {
  const settings = await em.getRepository(AccountSettingsEntity).findOne({ select: { id: true, defaultTimezone: true }, where: { id: 1 } });
  return settings?.defaultTimezone ?? DEFAULT_SETTINGS.defaultTimezone;
}
