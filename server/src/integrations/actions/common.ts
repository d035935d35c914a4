import type { IntegrationKind } from '#shared';
import type { LeadRecord, LeadsRepository } from '../../leads/leads.repository.js';
import type { FieldIssue, ValidationContext } from '../../schedules/actions/action-handler.js';
import type { IntegrationsService } from '../integrations.service.js';
import { mapIntoLead } from '../records.js';

/** The action's `integrationId` must name an integration of `kind`. */
export async function checkIntegration(integrations: IntegrationsService, config: Record<string, unknown>, kind: IntegrationKind, ctx: ValidationContext, required = true): Promise<FieldIssue[]> {
  if (config.integrationId === undefined && !required) return [];
  if (!(await integrations.exists(config.integrationId, kind))) return [{ field: `${ctx.prefix}.integrationId`, message: `must name a ${kind} integration` }];
  return [];
}

/** Writes mapped answer values into the lead; returns the fields set. */
export async function applyMapped(leads: LeadsRepository, lead: LeadRecord, map: Record<string, string> | undefined, json: unknown, now: Date): Promise<string[]> {
  if (!map) return [];
  const { changed, fields } = mapIntoLead(lead, map, json, now);
  if (changed) await leads.update({ lead: changed.lead, tags: changed.tags });
  return changed ? fields : [];
}

/** A short, safe excerpt of an answer for the audit trail. */
export function excerpt(text: string, max = 1000): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
