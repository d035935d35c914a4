import { Injectable } from '@nestjs/common';
import { DEFAULT_FLOOR_RULES, type FloorRules } from '#shared';
import { SettingsService } from '../settings/settings.service.js';

/** The floor's own rules, kept with the account's settings. */
@Injectable()
export class FloorRulesService {
  constructor(private readonly settings: SettingsService) {}

  async get(): Promise<FloorRules> {
    const json = await this.settings.getFloorRulesJson();
    return { ...DEFAULT_FLOOR_RULES, ...(json ? (JSON.parse(json) as Partial<FloorRules>) : {}) };
  }

  async update(patch: Partial<FloorRules>): Promise<FloorRules> {
    const next = { ...(await this.get()), ...patch };
    await this.settings.setFloorRulesJson(JSON.stringify(next));
    return next;
  }
}
