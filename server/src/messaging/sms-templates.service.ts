import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type AccessClaims, type SmsPreviewView, type SmsTemplateView, smsSegments } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import { MergeContexts } from '../schedules/actions/contact-actions.js';
import { renderTemplate, validateTemplate } from '../schedules/templates.js';
import { SmsTemplateEntity } from './sms-template.entity.js';
import { SmsTemplatesRepository } from './sms-templates.repository.js';

const MAX_BODY = 1600;

/** SMS templates for the composer, and a body rendered for one lead as the lead will get it. */
@Injectable()
export class SmsTemplatesService {
  constructor(
    private readonly rows: SmsTemplatesRepository,
    private readonly leads: LeadsRepository,
    private readonly merge: MergeContexts,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<SmsTemplateView[]> {
    return (await this.rows.listByName()).map(toView);
  }

  async create(dto: { name: string; body: string }): Promise<SmsTemplateView> {
    await this.check(dto.body);
    const now = this.clock.now();
    const row: SmsTemplateEntity = { id: randomUUID(), name: dto.name, nameKey: dto.name.trim().toLowerCase(), body: dto.body, createdAt: now, updatedAt: now };
    await this.write(() => this.rows.insert(row), dto.name);
    return toView(row);
  }

  async update(id: string, dto: { name?: string; body?: string }): Promise<SmsTemplateView> {
    const row = await this.rows.findById(id);
    if (!row) throw DomainError.notFound('SMS template');
    if (dto.body !== undefined) await this.check(dto.body);
    const name = dto.name ?? row.name;
    const next: SmsTemplateEntity = { ...row, name, nameKey: name.trim().toLowerCase(), body: dto.body ?? row.body, updatedAt: this.clock.now() };
    await this.write(() => this.rows.save(next), name);
    return toView(next);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.rows.remove(id))) throw DomainError.notFound('SMS template');
  }

  /** The body with the lead's merge fields filled, and its characters and segments. Agents preview for their own leads. */
  async preview(leadId: string, body: string, actor: AccessClaims): Promise<SmsPreviewView> {
    await this.check(body);
    const lead = await this.leads.findById(leadId);
    if (!lead || lead.lead.deletedAt || (actor.role === 'agent' && lead.lead.ownerId !== actor.sub)) throw DomainError.notFound('Lead');
    const rendered = renderTemplate(body, await this.merge.build(lead, lead.lead.ownerId ?? actor.sub, null)).trim();
    return { body: rendered, ...smsSegments(rendered) };
  }

  private async check(body: string): Promise<void> {
    const problems = body.length > MAX_BODY ? [{ field: 'body', message: `is longer than ${MAX_BODY} characters` }] : [];
    const custom = (await this.leads.listCustomFields()).map((f) => f.key);
    problems.push(...validateTemplate(body, custom, 'body'));
    if (problems.length) throw DomainError.invalid(problems);
  }

  private async write(run: () => Promise<unknown>, name: string): Promise<void> {
    try {
      await run();
    } catch (e) {
      if (isUniqueViolation(e)) throw DomainError.invalid([{ field: 'name', message: `a template named "${name}" already exists` }]);
      throw e;
    }
  }
}

function toView(r: SmsTemplateEntity): SmsTemplateView {
  return { id: r.id, name: r.name, body: r.body, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}
