import { Injectable } from '@nestjs/common';
import type { IntegrationKind } from '#shared';
import type { LeadRecord } from '../../leads/leads.repository.js';
import type { ActionContext, ActionHandler, ActionResult, FieldIssue, ValidationContext } from '../../schedules/actions/action-handler.js';
import { MergeContexts } from '../../schedules/actions/contact-actions.js';
import { renderTemplate, validateTemplate } from '../../schedules/templates.js';
import { HttpCallError, HttpCallRefused, HttpCaller, type HttpResponse, pick } from '../http-caller.js';
import { IntegrationsService, type OpenIntegration } from '../integrations.service.js';
import { checkIntegration, excerpt } from './common.js';

/** A CRM answered with an error we cannot get past by trying again. */
class CrmRefused extends Error {}

/**
 * The shared part of the CRM pushes: the OAuth bearer (refreshed once with the refresh
 * token when the CRM says 401, and the new tokens sealed back), and an optional note
 * with merge fields.
 */
abstract class CrmAction implements ActionHandler {
  abstract readonly type: string;
  protected abstract readonly kind: IntegrationKind;
  readonly activations = ['automatic'] as const;

  constructor(
    protected readonly http: HttpCaller,
    protected readonly integrations: IntegrationsService,
    private readonly merge: MergeContexts,
  ) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    const issues = await checkIntegration(this.integrations, config, this.kind, ctx);
    if (config.note !== undefined) {
      const note = config.note as { title?: unknown; body?: unknown } | null;
      if (!note || typeof note !== 'object') issues.push({ field: `${ctx.prefix}.note`, message: 'must be { title, body }' });
      else
        for (const f of ['title', 'body'] as const) {
          if (typeof note[f] !== 'string' || !(note[f] as string).trim()) issues.push({ field: `${ctx.prefix}.note.${f}`, message: 'is required' });
          else issues.push(...validateTemplate(note[f] as string, Object.keys(ctx.customFieldTypes), `${ctx.prefix}.note.${f}`));
        }
    }
    return issues;
  }

  protected abstract authHeader(token: string): string;
  /** Creates or updates the lead's record; returns its id there. */
  protected abstract upsert(i: OpenIntegration, lead: LeadRecord, linked: string | null): Promise<string>;
  protected abstract addNote(i: OpenIntegration, id: string, title: string, body: string): Promise<void>;

  async describe(ctx: ActionContext): Promise<string> {
    const i = await this.integrations.open(String(ctx.config.integrationId), this.kind);
    const linked = await this.integrations.linkOf(i.id, ctx.lead.lead.id);
    return `${linked ? `update record ${linked}` : 'create or update the record'} in ${i.name}${ctx.config.note ? ' and add a note' : ''}`;
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const i = await this.integrations.open(String(ctx.config.integrationId), this.kind);
    try {
      const linked = await this.integrations.linkOf(i.id, ctx.lead.lead.id);
      const id = await this.upsert(i, ctx.lead, linked);
      if (id !== linked) await this.integrations.link(i.id, ctx.lead.lead.id, id);
      const note = ctx.config.note as { title: string; body: string } | undefined;
      if (note) {
        const m = await this.merge.build(ctx.lead, ctx.ownerId, ctx.run?.schedule ?? null);
        await this.addNote(i, id, renderTemplate(note.title, m), renderTemplate(note.body, m));
      }
      return { kind: 'completed', outcome: linked ? 'updated' : 'synced', detail: `${i.name} record ${id}${note ? ' with a note' : ''}` };
    } catch (e) {
      if (e instanceof CrmRefused) return { kind: 'failed', outcome: 'rejected', detail: e.message };
      if (e instanceof HttpCallRefused) return { kind: 'failed', outcome: e.outcome, detail: e.message };
      if (e instanceof HttpCallError) return { kind: 'failed', outcome: e.response ? `server error (${e.response.status})` : 'unreachable', detail: e.message };
      throw e;
    }
  }

  /** One call with the bearer; on 401 the tokens are refreshed once and the call made again. */
  protected async call(i: OpenIntegration, method: string, path: string, body?: unknown): Promise<HttpResponse> {
    const send = (token: string) =>
      this.http.send({ method, url: `${String(i.settings.baseUrl).replace(/\/+$/, '')}${path}`, headers: { Authorization: this.authHeader(token), Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    let res = await send(i.secrets.accessToken);
    if (res.status === 401 && i.secrets.refreshToken && i.secrets.clientId && i.secrets.clientSecret) {
      i.secrets = { ...i.secrets, ...(await this.refresh(i)) };
      res = await send(i.secrets.accessToken);
    }
    if (res.status >= 400) throw new CrmRefused(`${method} ${path}: HTTP ${res.status}: ${excerpt(res.text, 500)}`);
    return res;
  }

  private async refresh(i: OpenIntegration): Promise<Record<string, string>> {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: i.secrets.refreshToken, client_id: i.secrets.clientId, client_secret: i.secrets.clientSecret });
    const res = await this.http.send({
      method: 'POST',
      url: String(i.settings.tokenUrl),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${i.secrets.clientId}:${i.secrets.clientSecret}`).toString('base64')}`, Accept: 'application/json' },
      body: form.toString(),
    });
    const access = pick(res.json, 'access_token');
    if (res.status >= 400 || typeof access !== 'string') throw new CrmRefused(`refreshing the access token: HTTP ${res.status}: ${excerpt(res.text, 300)}`);
    const refreshed: Record<string, string> = { accessToken: access };
    const next = pick(res.json, 'refresh_token');
    if (typeof next === 'string') refreshed.refreshToken = next;
    await this.integrations.replaceSecrets(i.id, refreshed);
    return refreshed;
  }
}

/**
 * Keap (Infusionsoft): a contact per lead (by its email when it has one, else by the link
 * kept from the first push), with a note.
 */
@Injectable()
export class KeapContactAction extends CrmAction {
  readonly type = 'keap_contact';
  protected readonly kind = 'keap' as const;

  constructor(http: HttpCaller, integrations: IntegrationsService, merge: MergeContexts) {
    super(http, integrations, merge);
  }

  protected authHeader(token: string): string {
    return `Bearer ${token}`;
  }

  protected async upsert(i: OpenIntegration, lead: LeadRecord, linked: string | null): Promise<string> {
    const l = lead.lead;
    const contact: Record<string, unknown> = {
      given_name: l.firstName ?? undefined,
      family_name: l.lastName ?? undefined,
      email_addresses: l.email ? [{ email: l.email, field: 'EMAIL1' }] : undefined,
      phone_numbers: lead.phones.slice(0, 5).map((p, n) => ({ number: p.e164, field: `PHONE${n + 1}` })),
      custom_fields: undefined,
    };
    const res = linked ? await this.call(i, 'PATCH', `/contacts/${encodeURIComponent(linked)}`, contact) : l.email ? await this.call(i, 'PUT', '/contacts', { ...contact, duplicate_option: 'Email' }) : await this.call(i, 'POST', '/contacts', contact);
    const id = pick(res.json, 'id');
    if (id === undefined || id === null) throw new CrmRefused(`Keap answered without a contact id: ${excerpt(res.text, 300)}`);
    return String(id);
  }

  protected async addNote(i: OpenIntegration, id: string, title: string, body: string): Promise<void> {
    await this.call(i, 'POST', '/notes', { contact_id: Number(id), title: title.slice(0, 200), body, type: 'Other' });
  }
}

/** Zoho CRM: a record in the Contacts or Leads module (upserted by email, else phone), with a note. */
@Injectable()
export class ZohoContactAction extends CrmAction {
  readonly type = 'zoho_contact';
  protected readonly kind = 'zoho' as const;

  constructor(http: HttpCaller, integrations: IntegrationsService, merge: MergeContexts) {
    super(http, integrations, merge);
  }

  protected authHeader(token: string): string {
    return `Zoho-oauthtoken ${token}`;
  }

  protected async upsert(i: OpenIntegration, lead: LeadRecord, linked: string | null): Promise<string> {
    const l = lead.lead;
    const module = String(i.settings.module ?? 'Contacts');
    const record: Record<string, unknown> = { First_Name: l.firstName ?? undefined, Last_Name: l.lastName || l.firstName || '(unknown)', Email: l.email ?? undefined, Phone: lead.phones[0]?.e164 ?? l.phone ?? undefined };
    if (module === 'Leads') record.Company = l.company || '(none)';
    const res = linked
      ? await this.call(i, 'PUT', `/${module}/${encodeURIComponent(linked)}`, { data: [record] })
      : await this.call(i, 'POST', `/${module}/upsert`, { data: [record], duplicate_check_fields: [l.email ? 'Email' : 'Phone'] });
    const code = pick(res.json, 'data.0.code');
    const id = pick(res.json, 'data.0.details.id');
    if (code !== 'SUCCESS' || id === undefined) throw new CrmRefused(`Zoho did not take the record: ${excerpt(res.text, 300)}`);
    return String(id);
  }

  protected async addNote(i: OpenIntegration, id: string, title: string, body: string): Promise<void> {
    const module = String(i.settings.module ?? 'Contacts');
    await this.call(i, 'POST', `/${module}/${encodeURIComponent(id)}/Notes`, { data: [{ Note_Title: title.slice(0, 120), Note_Content: body }] });
  }
}
