import { Injectable } from '@nestjs/common';
import { ErrorCode } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { SettingsService } from '../settings/settings.service.js';
import { type CallingRules, loadDefaultCallingRules, validateCallingRules } from './calling-window.js';

/** The calling-hours rules in force: the account's edited copy, else the shipped defaults. */
@Injectable()
export class CallingRulesService {
  /** The shipped rules for the years around this one, built once per year (read-only: callers never change them). */
  private shipped: { year: number; rules: CallingRules } | null = null;

  constructor(
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  async current(): Promise<CallingRules> {
    const stored = await this.settings.getCallingRulesJson();
    if (stored) return JSON.parse(stored) as CallingRules;
    const year = this.clock.now().getUTCFullYear();
    if (this.shipped?.year !== year) this.shipped = { year, rules: loadDefaultCallingRules([year - 1, year, year + 1]) };
    return this.shipped.rules;
  }

  /** Replaces the rules after checking every field; nothing is saved when one is wrong. */
  async replaceValidated(input: unknown): Promise<CallingRules> {
    const problems = validateCallingRules(input);
    if (problems.length) throw new DomainError(ErrorCode.ValidationFailed, problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
    const { defaultWindow, regions, holidays } = input as CallingRules;
    return this.replace({ defaultWindow, regions, holidays });
  }

  async replace(rules: CallingRules | null): Promise<CallingRules> {
    await this.settings.setCallingRulesJson(rules ? JSON.stringify(rules) : null);
    return this.current();
  }
}
