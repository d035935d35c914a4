import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { SettingsService } from '../settings/settings.service.js';
import { type CallingRules, loadDefaultCallingRules } from './calling-window.js';

/** The calling-hours rules in force: the account's edited copy, else the shipped defaults. */
@Injectable()
export class CallingRulesService {
  constructor(
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  async current(): Promise<CallingRules> {
    const stored = await this.settings.getCallingRulesJson();
    if (stored) return JSON.parse(stored) as CallingRules;
    const year = this.clock.now().getUTCFullYear();
    return loadDefaultCallingRules([year - 1, year, year + 1]);
  }

  async replace(rules: CallingRules | null): Promise<CallingRules> {
    await this.settings.setCallingRulesJson(rules ? JSON.stringify(rules) : null);
    return this.current();
  }
}
