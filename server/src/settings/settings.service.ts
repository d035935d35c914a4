import { Injectable } from '@nestjs/common';
import type { AttemptCapsByChannel } from '#shared';
import type { AccountSettingsEntity } from './account-settings.entity.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isValidTimezone } from '../common/timezones.js';
import type { UpdateSettingsDto } from './dto/settings.dto.js';
import { type AccountSettings, DEFAULT_SETTINGS, SettingsRepository } from './settings.repository.js';

export type { AccountSettings };

@Injectable()
export class SettingsService {
  /** The read in flight: callers arriving meanwhile share it (the gate asks for three parts of the row at once). */
  private reading: Promise<AccountSettingsEntity | null> | null = null;

  constructor(
    private readonly repo: SettingsRepository,
    private readonly clock: Clock,
  ) {}

  /** The settings row, one query for every caller that asks while it runs. */
  private row(): Promise<AccountSettingsEntity | null> {
    this.reading ??= this.repo.get().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  async get(): Promise<AccountSettings> {
    const row = await this.row();
    return row ? { defaultTimezone: row.defaultTimezone, defaultCountry: row.defaultCountry } : { ...DEFAULT_SETTINGS };
  }

  async update(input: UpdateSettingsDto): Promise<AccountSettings> {
    if (input.defaultTimezone !== undefined && !isValidTimezone(input.defaultTimezone)) {
      throw DomainError.validation('defaultTimezone', 'is not a known IANA time zone');
    }
    const next = { ...(await this.get()), ...input };
    await this.save({ defaultTimezone: next.defaultTimezone, defaultCountry: next.defaultCountry });
    return next;
  }

  async getAttemptCaps(): Promise<AttemptCapsByChannel> {
    const row = await this.row();
    return row?.attemptCaps ? (JSON.parse(row.attemptCaps) as AttemptCapsByChannel) : {};
  }

  async setAttemptCaps(caps: AttemptCapsByChannel): Promise<void> {
    await this.save({ attemptCaps: JSON.stringify(caps) });
  }

  /** The stored calling rules (JSON), or null for the shipped defaults. */
  async getCallingRulesJson(): Promise<string | null> {
    return (await this.row())?.callingRules ?? null;
  }

  async setCallingRulesJson(json: string | null): Promise<void> {
    await this.save({ callingRules: json });
  }

  /** The stored agent rules (JSON), or null for the shipped defaults. */
  async getAgentRulesJson(): Promise<string | null> {
    return (await this.row())?.agentRules ?? null;
  }

  async setAgentRulesJson(json: string): Promise<void> {
    await this.save({ agentRules: json });
  }

  /** The stored consent rules (JSON), or null for the shipped defaults. */
  async getConsentRulesJson(): Promise<string | null> {
    return (await this.row())?.consentRules ?? null;
  }

  async setConsentRulesJson(json: string | null): Promise<void> {
    await this.save({ consentRules: json });
  }

  /** The stored floor rules (JSON), or null for the shipped defaults. */
  async getFloorRulesJson(): Promise<string | null> {
    return (await this.row())?.floorRules ?? null;
  }

  async setFloorRulesJson(json: string | null): Promise<void> {
    await this.save({ floorRules: json });
  }

  private async save(patch: Partial<Omit<AccountSettingsEntity, 'id' | 'updatedAt'>>): Promise<void> {
    const row = await this.repo.get();
    await this.repo.save({
      id: 1,
      defaultTimezone: row?.defaultTimezone ?? DEFAULT_SETTINGS.defaultTimezone,
      defaultCountry: row?.defaultCountry ?? DEFAULT_SETTINGS.defaultCountry,
      attemptCaps: row?.attemptCaps ?? null,
      callingRules: row?.callingRules ?? null,
      agentRules: row?.agentRules ?? null,
      consentRules: row?.consentRules ?? null,
      floorRules: row?.floorRules ?? null,
      ...patch,
      updatedAt: this.clock.now(),
    });
  }
}
