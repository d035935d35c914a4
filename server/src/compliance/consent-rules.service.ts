import { Injectable } from '@nestjs/common';
import type { ConsentRulesView, ConsentScopeView } from '#shared';
import { Clock } from '../common/clock.js';
import { SettingsService } from '../settings/settings.service.js';
import { REVOKE_ALL, scopeInForce } from './data/consent-law.js';

export const DEFAULT_CONSENT_RULES: ConsentRulesView = {
  revocationScope: 'dated',
  // When in doubt, we do not contact: an unsure message opts out unless the floor asks for a review.
  unsure: 'opt-out',
  confirmationText: true,
  senderName: 'Switchboard',
};

/** The floor's consent rules (stored with the account settings) and the scope they put in force. */
@Injectable()
export class ConsentRulesService {
  constructor(
    private readonly settings: SettingsService,
    private readonly clock: Clock,
  ) {}

  async current(): Promise<ConsentRulesView> {
    const stored = await this.settings.getConsentRulesJson();
    return stored ? { ...DEFAULT_CONSENT_RULES, ...(JSON.parse(stored) as Partial<ConsentRulesView>) } : { ...DEFAULT_CONSENT_RULES };
  }

  async update(patch: Partial<ConsentRulesView>): Promise<ConsentRulesView> {
    const next = { ...(await this.current()), ...patch };
    await this.settings.setConsentRulesJson(JSON.stringify(next));
    return next;
  }

  /** The scope of a person's revocation at `at`: the rule's date, or the floor's wider choice. */
  async scope(at: Date = this.clock.now(), rules?: ConsentRulesView): Promise<ConsentScopeView> {
    const r = rules ?? (await this.current());
    return { ...scopeInForce(r.revocationScope, at), setting: r.revocationScope, revokeAllFrom: REVOKE_ALL.effective };
  }
}
