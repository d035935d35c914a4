import { Injectable } from '@nestjs/common';
import { LeadsRepository } from '../../leads/leads.repository.js';
import type { ActionContext, ActionHandler, ActionResult, FieldIssue, ValidationContext } from '../../schedules/actions/action-handler.js';
import { HttpCallError, HttpCallRefused, HttpCaller, redact } from '../http-caller.js';
import { IntegrationsService } from '../integrations.service.js';
import { validateResponseMap } from '../records.js';
import { applyMapped, checkIntegration, excerpt } from './common.js';

/**
 * Data append: asks the integration's enrichment endpoint about the lead (its name,
 * company, email, phones, region; POST as JSON or GET as query parameters, the API key as
 * a bearer token) and writes the mapped fields of the answer into the lead. 404 means
 * the endpoint knows nothing of the lead: skipped, not failed.
 */
@Injectable()
export class DataAppendAction implements ActionHandler {
  readonly type = 'data_append';
  readonly activations = ['automatic'] as const;

  constructor(
    private readonly leads: LeadsRepository,
    private readonly http: HttpCaller,
    private readonly integrations: IntegrationsService,
  ) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    return [...(await checkIntegration(this.integrations, config, 'data_append', ctx)), ...validateResponseMap(config.map, ctx.customFieldTypes, `${ctx.prefix}.map`, true)];
  }

  async describe(ctx: ActionContext): Promise<string> {
    const i = await this.integrations.open(String(ctx.config.integrationId), 'data_append');
    return `look the lead up at ${redact(String(i.settings.url))} and set ${Object.keys(ctx.config.map as object).join(', ')}`;
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const i = await this.integrations.open(String(ctx.config.integrationId), 'data_append');
    const l = ctx.lead.lead;
    const query = { leadId: l.id, firstName: l.firstName, lastName: l.lastName, company: l.company, email: l.email, phone: l.phone, phones: ctx.lead.phones.map((p) => p.e164), region: l.region };
    const headers: Record<string, string> = { Accept: 'application/json', 'Idempotency-Key': ctx.idempotencyKey };
    if (i.secrets.apiKey) headers.Authorization = `Bearer ${i.secrets.apiKey}`;
    const method = String(i.settings.method ?? 'POST');
    let url = String(i.settings.url);
    let body: string | undefined;
    if (method === 'GET') {
      const u = new URL(url);
      for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined) u.searchParams.set(k, Array.isArray(v) ? v.join(',') : String(v));
      url = u.toString();
    } else {
      body = JSON.stringify(query);
      headers['Content-Type'] = 'application/json';
    }
    try {
      const res = await this.http.send({ method, url, headers, body });
      if (res.status === 404) return { kind: 'skipped', outcome: 'no match', detail: excerpt(res.text) };
      if (res.status >= 400) return { kind: 'failed', outcome: `rejected (${res.status})`, detail: excerpt(res.text) };
      if (res.json === null) return { kind: 'failed', outcome: 'not json', detail: excerpt(res.text) };
      const set = await applyMapped(this.leads, ctx.lead, ctx.config.map as Record<string, string>, res.json, ctx.now);
      return { kind: 'completed', outcome: set.length ? 'appended' : 'nothing new', detail: set.length ? `set ${set.join(', ')}` : 'the answer had none of the mapped fields' };
    } catch (e) {
      if (e instanceof HttpCallRefused) return { kind: 'failed', outcome: e.outcome, detail: e.message };
      if (e instanceof HttpCallError) return { kind: 'failed', outcome: e.response ? `server error (${e.response.status})` : 'unreachable', detail: e.message };
      throw e;
    }
  }
}
