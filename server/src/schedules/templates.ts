/**
 * Merge fields in SMS and email templates: `{{lead.firstName}}`, with a fallback after a
 * pipe, `{{ lead.firstName | there }}`. Unknown fields are refused when a template is
 * saved; at send time a missing value renders as its fallback or nothing.
 */
export interface MergeContext {
  lead: Record<string, unknown>;
  custom: Record<string, unknown>;
  owner: { name: string; email: string } | null;
  schedule: { name: string } | null;
  links?: { unsubscribe?: string };
}

const LEAD_FIELDS = ['id', 'firstName', 'lastName', 'fullName', 'company', 'email', 'phone', 'region', 'status'];
const FIELD = /\{\{([^{}]*)\}\}/g;

export function templateFields(template: string): Array<{ path: string; fallback: string | null; position: number }> {
  const out: Array<{ path: string; fallback: string | null; position: number }> = [];
  for (const m of template.matchAll(FIELD)) {
    const [path, ...rest] = m[1].split('|');
    out.push({ path: path.trim(), fallback: rest.length ? rest.join('|').trim() : null, position: m.index ?? 0 });
  }
  return out;
}

export function validateTemplate(template: string, customKeys: string[], field: string, options: { allowUnsubscribe?: boolean } = {}): Array<{ field: string; message: string }> {
  const issues: Array<{ field: string; message: string }> = [];
  const stripped = template.replace(FIELD, (m) => ' '.repeat(m.length));
  const open = stripped.indexOf('{{');
  if (open >= 0) issues.push({ field, message: `unclosed merge field at character ${open + 1}` });
  const custom = new Set(customKeys);
  for (const f of templateFields(template)) {
    const known =
      (f.path.startsWith('lead.') && LEAD_FIELDS.includes(f.path.slice(5))) ||
      (f.path.startsWith('custom.') && custom.has(f.path.slice(7))) ||
      f.path === 'owner.name' ||
      f.path === 'owner.email' ||
      f.path === 'schedule.name' ||
      (f.path === 'unsubscribe_url' && !!options.allowUnsubscribe);
    if (!known) {
      const why = f.path === 'unsubscribe_url' ? 'unsubscribe_url is only for email' : `unknown merge field {{${f.path}}}`;
      issues.push({ field, message: why });
    }
  }
  return issues;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function valueOf(path: string, ctx: MergeContext): unknown {
  if (path === 'lead.fullName') return [ctx.lead.firstName, ctx.lead.lastName].filter((x) => x !== null && x !== undefined && x !== '').join(' ');
  if (path.startsWith('lead.')) return ctx.lead[path.slice(5)];
  if (path.startsWith('custom.')) return ctx.custom[path.slice(7)];
  if (path === 'owner.name') return ctx.owner?.name;
  if (path === 'owner.email') return ctx.owner?.email;
  if (path === 'schedule.name') return ctx.schedule?.name;
  if (path === 'unsubscribe_url') return ctx.links?.unsubscribe;
  return undefined;
}

export function renderTemplate(template: string, ctx: MergeContext, options: { escapeHtml?: boolean } = {}): string {
  return template.replace(FIELD, (_m, inner: string) => {
    const [rawPath, ...rest] = inner.split('|');
    const value = valueOf(rawPath.trim(), ctx);
    const fallback = rest.length ? rest.join('|').trim() : '';
    const s = value === null || value === undefined || value === '' ? fallback : String(value);
    return options.escapeHtml ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]) : s;
  });
}
