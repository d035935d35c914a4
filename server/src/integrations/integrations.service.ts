import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ErrorCode, INTEGRATION_KINDS, INTEGRATION_SPECS, type IntegrationFieldSpec, type IntegrationKind, type IntegrationView } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { isUniqueViolation } from '../database/db-errors.js';
import type { FieldIssue } from '../schedules/actions/action-handler.js';
import type { IntegrationDto } from './dto/integration.dto.js';
import { EgressGuard } from './egress/egress-guard.js';
import type { IntegrationEntity } from './integration.entity.js';
import { IntegrationsRepository } from './integrations.repository.js';
import { SecretBox } from './secret-box.js';

/** An integration with its secrets opened, for the actions that use it (never for the API). */
export interface OpenIntegration {
  id: string;
  kind: IntegrationKind;
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

/**
 * Integrations: each kind's settings and secrets are checked against its spec; secrets
 * are sealed before they are written and the API reports only which are set. An update
 * keeps secrets it does not mention, replaces those it sends and clears those sent as null.
 */
@Injectable()
export class IntegrationsService {
  private readonly box: SecretBox;

  constructor(
    private readonly rows: IntegrationsRepository,
    private readonly clock: Clock,
    config: AppConfig,
    private readonly guard: EgressGuard,
  ) {
    this.box = new SecretBox(config.integrations.secretsKey);
  }

  async list(): Promise<IntegrationView[]> {
    return (await this.rows.listByName()).map((r) => this.view(r));
  }

  async get(id: string): Promise<IntegrationView> {
    return this.view(await this.row(id));
  }

  async create(dto: IntegrationDto): Promise<IntegrationView> {
    if (!dto.kind || !(INTEGRATION_KINDS as readonly string[]).includes(dto.kind)) throw DomainError.invalid([{ field: 'kind', message: `must be one of ${INTEGRATION_KINDS.join(', ')}` }]);
    const kind = dto.kind as IntegrationKind;
    const settings = this.checked(kind, dto.settings ?? {}, this.secretsIn(dto.secrets ?? {}, {}, kind));
    const now = this.clock.now();
    const row: IntegrationEntity = { id: randomUUID(), kind, name: dto.name, nameKey: dto.name.trim().toLowerCase(), settings: JSON.stringify(settings.settings), secrets: this.box.seal(JSON.stringify(settings.secrets)), createdAt: now, updatedAt: now };
    await this.write(() => this.rows.insert(row), dto.name);
    return this.view(row);
  }

  async update(id: string, dto: Partial<IntegrationDto>): Promise<IntegrationView> {
    const row = await this.row(id);
    const kind = row.kind as IntegrationKind;
    if (dto.kind && dto.kind !== kind) throw DomainError.invalid([{ field: 'kind', message: `cannot change (this is a ${kind} integration)` }]);
    const current = JSON.parse(this.box.open(row.secrets)) as Record<string, string>;
    const settings = { ...(JSON.parse(row.settings) as Record<string, unknown>), ...(dto.settings ?? {}) };
    const next = this.checked(kind, settings, this.secretsIn(dto.secrets ?? {}, current, kind));
    const name = dto.name ?? row.name;
    const updated: IntegrationEntity = { ...row, name, nameKey: name.trim().toLowerCase(), settings: JSON.stringify(next.settings), secrets: this.box.seal(JSON.stringify(next.secrets)), updatedAt: this.clock.now() };
    await this.write(() => this.rows.save(updated), name);
    return this.view(updated);
  }

  async remove(id: string): Promise<void> {
    await this.row(id);
    await this.rows.removeWithLinks(id);
  }

  /** For the actions: the integration with its secrets opened, checked to be of `kind`. */
  async open(id: string, kind: IntegrationKind): Promise<OpenIntegration> {
    const row = await this.rows.findById(id);
    if (!row || row.kind !== kind) throw new DomainError(ErrorCode.NotFound, `no ${kind} integration ${id}`);
    return { id: row.id, kind, name: row.name, settings: JSON.parse(row.settings) as Record<string, unknown>, secrets: JSON.parse(this.box.open(row.secrets)) as Record<string, string> };
  }

  /** Whether an action's `integrationId` names an integration of `kind` (for save-time checks). */
  async exists(id: unknown, kind: IntegrationKind): Promise<boolean> {
    return typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) && (await this.rows.existsOfKind(id, kind));
  }

  /** New tokens from an OAuth refresh, sealed in place of the old. */
  async replaceSecrets(id: string, patch: Record<string, string>): Promise<void> {
    const row = await this.row(id);
    const secrets = { ...(JSON.parse(this.box.open(row.secrets)) as Record<string, string>), ...patch };
    await this.rows.setSecrets(id, this.box.seal(JSON.stringify(secrets)), this.clock.now());
  }

  // ── links to outside records ─────────────────────────────────────────────────────

  async linkOf(integrationId: string, leadId: string): Promise<string | null> {
    return this.rows.linkOf(integrationId, leadId);
  }

  async link(integrationId: string, leadId: string, externalId: string): Promise<void> {
    await this.rows.link(integrationId, leadId, externalId, this.clock.now());
  }

  // ── checking ─────────────────────────────────────────────────────────────────────

  private secretsIn(input: Record<string, unknown>, current: Record<string, string>, kind: IntegrationKind): { values: Record<string, string>; issues: FieldIssue[] } {
    const spec = INTEGRATION_SPECS[kind];
    const issues: FieldIssue[] = [];
    const values = { ...current };
    for (const [key, value] of Object.entries(input)) {
      if (!spec.secrets.some((s) => s.key === key)) issues.push({ field: `secrets.${key}`, message: `is not a secret of a ${kind} integration (${spec.secrets.map((s) => s.key).join(', ')})` });
      else if (value === null) delete values[key];
      else if (typeof value !== 'string' || !value.length || value.length > 4000) issues.push({ field: `secrets.${key}`, message: 'must be text of 1 to 4000 characters, or null to clear it' });
      else values[key] = value;
    }
    for (const s of spec.secrets) if (s.required && !values[s.key] && !issues.some((i) => i.field === `secrets.${s.key}`)) issues.push({ field: `secrets.${s.key}`, message: 'is required' });
    return { values, issues };
  }

  private checked(kind: IntegrationKind, input: Record<string, unknown>, secrets: { values: Record<string, string>; issues: FieldIssue[] }): { settings: Record<string, unknown>; secrets: Record<string, string> } {
    const spec = INTEGRATION_SPECS[kind];
    const issues: FieldIssue[] = [];
    const settings: Record<string, unknown> = {};
    for (const key of Object.keys(input)) if (!spec.settings.some((s) => s.key === key)) issues.push({ field: `settings.${key}`, message: `is not a setting of a ${kind} integration (${spec.settings.map((s) => s.key).join(', ') || 'none'})` });
    for (const s of spec.settings) {
      const v = input[s.key] ?? s.default;
      if (v === undefined || v === null || v === '') {
        if (s.required) issues.push({ field: `settings.${s.key}`, message: 'is required' });
        continue;
      }
      const problem = this.fieldProblem(s, v);
      if (problem) issues.push({ field: `settings.${s.key}`, message: problem });
      else settings[s.key] = v;
    }
    issues.push(...secrets.issues);
    if (issues.length) throw DomainError.invalid(issues);
    return { settings, secrets: secrets.values };
  }

  private async write(run: () => Promise<unknown>, name: string): Promise<void> {
    try {
      await run();
    } catch (e) {
      if (isUniqueViolation(e)) throw DomainError.invalid([{ field: 'name', message: `an integration named "${name}" already exists` }]);
      throw e;
    }
  }

  private async row(id: string): Promise<IntegrationEntity> {
    const row = await this.rows.findById(id);
    if (!row) throw DomainError.notFound('Integration');
    return row;
  }

  private view(r: IntegrationEntity): IntegrationView {
    const kind = r.kind as IntegrationKind;
    const secrets = JSON.parse(this.box.open(r.secrets)) as Record<string, string>;
    return {
      id: r.id,
      kind,
      name: r.name,
      settings: JSON.parse(r.settings) as Record<string, unknown>,
      secrets: Object.fromEntries(INTEGRATION_SPECS[kind].secrets.map((s) => [s.key, !!secrets[s.key]])),
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }

  /** A URL or host setting goes through the egress guard, as every address a user can type does. */
  private fieldProblem(s: IntegrationFieldSpec, v: unknown): string | null {
    switch (s.type) {
      case 'url':
        return this.guard.urlProblem(v);
      case 'host':
        return this.guard.hostProblem(v);
      case 'number':
        return Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536 ? null : 'must be a whole number from 1 to 65535';
      case 'boolean':
        return typeof v === 'boolean' ? null : 'must be true or false';
      case 'choice':
        return s.choices?.includes(v as string) ? null : `must be one of ${s.choices?.join(', ')}`;
      default:
        return typeof v === 'string' && v.length <= 10_000 ? null : 'must be text';
    }
  }
}
