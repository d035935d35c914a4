import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LeadsRepository } from '../../leads/leads.repository.js';
import type { ActionContext, ActionHandler, ActionResult, FieldIssue, ValidationContext } from '../../schedules/actions/action-handler.js';
import { MergeContexts } from '../../schedules/actions/contact-actions.js';
import { type MergeContext, renderTemplate, validateTemplate } from '../../schedules/templates.js';
import { ConversationsRepository } from '../../telephony/conversations/conversations.repository.js';
import { EgressGuard } from '../egress/egress-guard.js';
import { HttpCallError, HttpCallRefused, HttpCaller, redact } from '../http-caller.js';
import { IntegrationsService } from '../integrations.service.js';
import { leadExport, validateResponseMap } from '../records.js';
import { applyMapped, checkIntegration, excerpt } from './common.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
/** Headers the action sets itself. */
const RESERVED = new Set(['content-length', 'host', 'x-switchboard-signature', 'x-switchboard-timestamp', 'idempotency-key']);

/** Signs a delivery: HMAC-SHA256 over `<timestamp>.<body>` with the integration's secret, hex. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * Webhook: a request with merge fields in the URL, headers and body (JSON or form; no body
 * given: the lead and conversation as JSON). With a webhook integration it is signed
 * (`X-Switchboard-Timestamp`, `X-Switchboard-Signature: v1=<hex>`) and may carry its
 * Authorization header. Every try has a timeout; timeouts, 429 and 5xx are tried again
 * with backoff; the answer is kept in the audit trail, and fields of a JSON answer may
 * be mapped into the lead. `Idempotency-Key` lets the receiver drop a repeat.
 */
@Injectable()
export class WebhookAction implements ActionHandler {
  readonly type = 'webhook';
  readonly activations = ['automatic'] as const;

  constructor(
    private readonly leads: LeadsRepository,
    private readonly conversations: ConversationsRepository,
    private readonly http: HttpCaller,
    private readonly integrations: IntegrationsService,
    private readonly merge: MergeContexts,
    private readonly guard: EgressGuard,
  ) {}

  async validate(config: Record<string, unknown>, ctx: ValidationContext): Promise<FieldIssue[]> {
    const at = ctx.prefix;
    const keys = Object.keys(ctx.customFieldTypes);
    const issues: FieldIssue[] = [];
    const method = config.method ?? 'POST';
    if (!METHODS.includes(method as (typeof METHODS)[number])) issues.push({ field: `${at}.method`, message: `must be one of ${METHODS.join(', ')}` });
    if (typeof config.url !== 'string' || !config.url.trim()) issues.push({ field: `${at}.url`, message: 'is required' });
    else {
      const templated = validateTemplate(config.url, keys, `${at}.url`);
      issues.push(...templated);
      // Merge fields stand in as plain letters: what is typed around them must already be a URL the guard takes.
      const problem = templated.length ? null : this.guard.urlProblem(config.url.replace(/\{\{[^{}]*\}\}/g, 'x'));
      if (problem) issues.push({ field: `${at}.url`, message: problem });
    }
    if (config.headers !== undefined) {
      if (!config.headers || typeof config.headers !== 'object' || Array.isArray(config.headers)) issues.push({ field: `${at}.headers`, message: 'must be an object of header names to values' });
      else
        for (const [name, value] of Object.entries(config.headers as Record<string, unknown>)) {
          if (!HEADER_NAME.test(name) || RESERVED.has(name.toLowerCase())) issues.push({ field: `${at}.headers.${name}`, message: RESERVED.has(name.toLowerCase()) ? 'is set by the webhook itself' : 'is not a valid header name' });
          else if (typeof value !== 'string' || /[\r\n]/.test(value)) issues.push({ field: `${at}.headers.${name}`, message: 'must be one line of text' });
          else issues.push(...validateTemplate(value, keys, `${at}.headers.${name}`));
        }
    }
    const bodyType = config.bodyType ?? 'json';
    if (!['json', 'form', 'none'].includes(bodyType as string)) issues.push({ field: `${at}.bodyType`, message: 'must be json, form or none' });
    if (config.body !== undefined) {
      if (!config.body || typeof config.body !== 'object' || Array.isArray(config.body)) issues.push({ field: `${at}.body`, message: 'must be an object of fields (values may use merge fields)' });
      else issues.push(...templatesIn(config.body, keys, `${at}.body`, bodyType === 'form'));
    }
    if (config.timeoutSeconds !== undefined && (typeof config.timeoutSeconds !== 'number' || config.timeoutSeconds <= 0 || config.timeoutSeconds > 120)) issues.push({ field: `${at}.timeoutSeconds`, message: 'must be more than 0 and at most 120 seconds' });
    if (config.retries !== undefined && (!Number.isInteger(config.retries) || (config.retries as number) < 0 || (config.retries as number) > 10)) issues.push({ field: `${at}.retries`, message: 'must be a whole number from 0 to 10' });
    issues.push(...validateResponseMap(config.responseMap, ctx.customFieldTypes, `${at}.responseMap`));
    issues.push(...(await checkIntegration(this.integrations, config, 'webhook', ctx, false)));
    return issues;
  }

  /** The request as it would go: URL, headers and body with merge fields filled (no signature). */
  private async request(ctx: ActionContext): Promise<{ method: string; url: string; headers: Record<string, string>; body: string | undefined }> {
    const m = await this.merge.build(ctx.lead, ctx.ownerId, ctx.run?.schedule ?? null);
    const method = String(ctx.config.method ?? 'POST');
    const url = renderTemplate(String(ctx.config.url), m);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((ctx.config.headers as Record<string, string> | undefined) ?? {})) headers[k] = renderTemplate(v, m);
    const bodyType = String(ctx.config.bodyType ?? 'json');
    let body: string | undefined;
    if (bodyType !== 'none' && method !== 'GET' && method !== 'DELETE') {
      const fields = ctx.config.body ? rendered(ctx.config.body, m) : { event: ctx.origin, ...(await leadExport(this.conversations, ctx.lead, ctx.conversationId)) };
      if (bodyType === 'form') {
        body = new URLSearchParams(Object.entries(fields as Record<string, unknown>).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
        headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
      } else {
        body = JSON.stringify(fields);
        headers['Content-Type'] ??= 'application/json';
      }
    }
    return { method, url, headers, body };
  }

  async preview(ctx: ActionContext): Promise<Record<string, unknown>> {
    const r = await this.request(ctx);
    return { method: r.method, url: r.url, headers: r.headers, body: r.body ?? null };
  }

  async describe(ctx: ActionContext): Promise<string> {
    const r = await this.request(ctx);
    return `${r.method} ${redact(r.url)}${ctx.config.integrationId ? ', signed' : ''}${ctx.config.responseMap ? ', mapping the answer into the lead' : ''}`;
  }

  async run(ctx: ActionContext): Promise<ActionResult> {
    const r = await this.request(ctx);
    if (!/^https?:\/\//i.test(r.url) || !URL.canParse(r.url)) return { kind: 'failed', outcome: 'bad url', detail: `the URL rendered to "${r.url}" for this lead` };
    const headers: Record<string, string> = { ...r.headers, 'Idempotency-Key': ctx.idempotencyKey, 'User-Agent': 'Switchboard-Webhook/1' };
    if (ctx.config.integrationId) {
      const integration = await this.integrations.open(String(ctx.config.integrationId), 'webhook');
      const timestamp = String(Math.floor(ctx.now.getTime() / 1000));
      headers['X-Switchboard-Timestamp'] = timestamp;
      headers['X-Switchboard-Signature'] = `v1=${webhookSignature(integration.secrets.signingSecret, timestamp, r.body ?? '')}`;
      if (integration.secrets.authorization) headers.Authorization = integration.secrets.authorization;
    }
    try {
      const res = await this.http.send({
        method: r.method,
        url: r.url,
        headers,
        body: r.body,
        timeoutMs: typeof ctx.config.timeoutSeconds === 'number' ? ctx.config.timeoutSeconds * 1000 : undefined,
        retries: typeof ctx.config.retries === 'number' ? ctx.config.retries : undefined,
      });
      const answer = `HTTP ${res.status} after ${res.tries} ${res.tries === 1 ? 'try' : 'tries'}: ${excerpt(res.text)}`;
      if (res.status >= 400) return { kind: 'failed', outcome: `rejected (${res.status})`, detail: answer };
      const mapped = await applyMapped(this.leads, ctx.lead, ctx.config.responseMap as Record<string, string> | undefined, res.json, ctx.now);
      return { kind: 'completed', outcome: `delivered (${res.status})`, detail: mapped.length ? `${answer}; set ${mapped.join(', ')}` : answer };
    } catch (e) {
      if (e instanceof HttpCallRefused) return { kind: 'failed', outcome: e.outcome, detail: e.message };
      if (e instanceof HttpCallError) return { kind: 'failed', outcome: e.response ? `server error (${e.response.status})` : 'unreachable', detail: e.response ? `${e.message}: ${excerpt(e.response.text)}` : e.message };
      throw e;
    }
  }
}

/** Merge fields in every string of a body object (nested objects and lists too). */
function rendered(v: unknown, m: MergeContext): unknown {
  if (typeof v === 'string') return renderTemplate(v, m);
  if (Array.isArray(v)) return v.map((x) => rendered(x, m));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rendered(x, m)]));
  return v;
}

function templatesIn(v: unknown, keys: string[], field: string, flat: boolean): FieldIssue[] {
  if (typeof v === 'string') return validateTemplate(v, keys, field);
  if (v && typeof v === 'object') {
    if (flat && field.includes('.body.')) return [{ field, message: 'a form body takes plain fields, not nested objects' }];
    return Object.entries(v).flatMap(([k, x]) => templatesIn(x, keys, Array.isArray(v) ? `${field}[${k}]` : `${field}.${k}`, flat));
  }
  return [];
}
