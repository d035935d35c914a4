import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type ActionGroupView, ErrorCode, type GroupActionView, type KeywordEventResult, MAX_GROUP_DEPTH, RUN_GROUP_ACTION } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { isUniqueViolation } from '../database/db-errors.js';
import { LeadsRepository } from '../leads/leads.repository.js';
import type { FieldIssue, ValidationContext } from '../schedules/actions/action-handler.js';
import { ActionRegistry } from '../schedules/actions/action-registry.js';
import { SchedulesService } from '../schedules/schedules.service.js';
import { ConversationsRepository } from '../telephony/conversations/conversations.repository.js';
import type { ActionGroupEntity } from './action-group.entity.js';
import { ActionGroupsRepository } from './action-groups.repository.js';
import type { ActionGroupDto, KeywordEventDto } from './dto/action-group.dto.js';
import { childrenOf, normalPhrase, parseActions } from './group-actions.js';
import { GroupRunner } from './group-runner.js';
import { ActionGroupUses } from './group-uses.js';

/**
 * Action groups: saved only when every action is a known type usable in a group with
 * settings its handler accepts, and when the groups it includes neither lead back to it
 * (through any path) nor nest deeper than `MAX_GROUP_DEPTH`.
 */
@Injectable()
export class ActionGroupsService {
  constructor(
    private readonly rows: ActionGroupsRepository,
    private readonly registry: ActionRegistry,
    private readonly leads: LeadsRepository,
    private readonly runner: GroupRunner,
    private readonly uses: ActionGroupUses,
    private readonly schedules: SchedulesService,
    private readonly conversations: ConversationsRepository,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<ActionGroupView[]> {
    return (await this.rows.listByName()).map(toGroupView);
  }

  async get(id: string): Promise<ActionGroupView> {
    const row = await this.rows.findById(id);
    if (!row) throw DomainError.notFound('Action group');
    return toGroupView(row);
  }

  async create(dto: ActionGroupDto): Promise<ActionGroupView> {
    const id = randomUUID();
    await this.validate(dto, id);
    const now = this.clock.now();
    const row: ActionGroupEntity = { id, ...this.columns(dto), createdAt: now, updatedAt: now };
    await this.insertOrConflict(() => this.rows.insert(row), dto.name);
    return toGroupView(row);
  }

  async update(id: string, dto: ActionGroupDto): Promise<ActionGroupView> {
    const row = await this.rows.findById(id);
    if (!row) throw DomainError.notFound('Action group');
    await this.validate(dto, id);
    const next: ActionGroupEntity = { ...row, ...this.columns(dto), updatedAt: this.clock.now() };
    await this.insertOrConflict(() => this.rows.save(next), dto.name);
    return toGroupView(next);
  }

  /** A group still named by a disposition or another group stays (deactivate it instead). */
  async remove(id: string): Promise<void> {
    const row = await this.rows.findById(id);
    if (!row) throw DomainError.notFound('Action group');
    const includedBy = (await this.rows.listAll()).filter((g) => childrenOf(parseActions(g.actions)).includes(id)).map((g) => g.name);
    const users = [...includedBy.map((n) => `group ${n}`), ...(await this.uses.of(id))];
    if (users.length) {
      throw new DomainError(ErrorCode.Conflict, `The group is still used by ${users.join(', ')}; deactivate it instead`);
    }
    await this.rows.remove(id);
  }

  private columns(dto: ActionGroupDto): Omit<ActionGroupEntity, 'id' | 'createdAt' | 'updatedAt'> {
    const actions: GroupActionView[] = dto.actions.map((a) => ({ type: a.type, name: a.name?.trim() || null, config: a.config ?? {} }));
    const keywords = [...new Set((dto.keywords ?? []).map(normalPhrase).filter(Boolean))];
    return { name: dto.name, nameKey: dto.name.trim().toLowerCase(), description: dto.description ?? null, active: dto.active ?? true, actions: JSON.stringify(actions), keywords: JSON.stringify(keywords) };
  }

  private async insertOrConflict(write: () => Promise<unknown>, name: string): Promise<void> {
    try {
      await write();
    } catch (e) {
      if (isUniqueViolation(e)) throw DomainError.invalid([{ field: 'name', message: `an action group named "${name}" already exists` }]);
      throw e;
    }
  }

  // ── checking ─────────────────────────────────────────────────────────────────────

  private async validate(dto: ActionGroupDto, selfId: string): Promise<void> {
    const problems: FieldIssue[] = [];
    if (!dto.actions.length) problems.push({ field: 'actions', message: 'must list at least one action' });
    const customFieldTypes = Object.fromEntries((await this.leads.listCustomFields()).map((f) => [f.key, f.type])) as ValidationContext['customFieldTypes'];
    const scheduleExists = (id: string) => this.schedules.exists(id);
    const usable = this.registry.types().filter((t) => this.registry.get(t)?.inGroups !== false);
    for (const [i, action] of dto.actions.entries()) {
      const at = `actions[${i}]`;
      const handler = this.registry.get(action.type);
      if (!handler) {
        problems.push({ field: `${at}.type`, message: `unknown action type ${action.type} (one of ${usable.join(', ')})` });
        continue;
      }
      if (handler.inGroups === false) {
        problems.push({ field: `${at}.type`, message: `${action.type} only works as a schedule step (in a group: ${usable.join(', ')})` });
        continue;
      }
      if (!handler.activations.includes('automatic')) {
        problems.push({ field: `${at}.type`, message: `${action.type} is done by people, so it cannot run in a group` });
        continue;
      }
      problems.push(...(await handler.validate(action.config ?? {}, { prefix: `${at}.config`, activation: 'automatic', customFieldTypes, scheduleId: null, scheduleExists })));
    }
    if (!problems.length) problems.push(...(await this.checkNesting(selfId, dto)));
    if (problems.length) throw DomainError.invalid(problems);
  }

  /** Cycles (this group reached again through the groups it includes) and the depth limit, over every group as it would be saved. */
  private async checkNesting(selfId: string, dto: ActionGroupDto): Promise<FieldIssue[]> {
    const stored = await this.rows.listAll();
    const names = new Map(stored.map((g) => [g.id, g.name]));
    names.set(selfId, dto.name);
    const graph = new Map(stored.map((g) => [g.id, childrenOf(parseActions(g.actions))]));
    graph.set(selfId, childrenOf(dto.actions.map((a) => ({ type: a.type, name: null, config: a.config ?? {} }))));
    const problems: FieldIssue[] = [];
    for (const [i, a] of dto.actions.entries()) {
      if (a.type !== RUN_GROUP_ACTION) continue;
      const child = String(a.config?.groupId);
      const path = pathTo(graph, child, selfId);
      if (path) problems.push({ field: `actions[${i}].config.groupId`, message: `would include this group again: ${[selfId, ...path].map((id) => names.get(id) ?? id).join(' → ')}` });
    }
    if (problems.length) return problems;
    const depth = new Map<string, number>();
    const depthOf = (id: string): number => {
      const known = depth.get(id);
      if (known !== undefined) return known;
      const d = 1 + Math.max(0, ...(graph.get(id) ?? []).map(depthOf));
      depth.set(id, d);
      return d;
    };
    for (const id of graph.keys()) {
      if (depthOf(id) > MAX_GROUP_DEPTH) {
        problems.push({ field: 'actions', message: `groups would nest ${depthOf(id)} deep (from ${names.get(id)}); at most ${MAX_GROUP_DEPTH}` });
        break;
      }
    }
    return problems;
  }

  // ── keyword events ───────────────────────────────────────────────────────────────

  /**
   * Text from a conversation (a transcript line, a message): every active group with a
   * phrase the text contains is queued to run once for this event's subject.
   */
  async keywordEvent(dto: KeywordEventDto, actorId: string | null): Promise<KeywordEventResult> {
    let leadId = dto.leadId ?? null;
    if (dto.conversationId) {
      const c = await this.conversations.findById(dto.conversationId);
      if (!c) throw DomainError.validation('conversationId', `no conversation ${dto.conversationId}`);
      if (leadId && c.leadId && c.leadId !== leadId) throw DomainError.validation('leadId', 'is not the conversation\'s lead');
      leadId = leadId ?? c.leadId;
    }
    if (!leadId) throw DomainError.validation(dto.conversationId ? 'conversationId' : 'leadId', dto.conversationId ? 'the conversation has no lead' : 'is required without a conversationId');
    if (!dto.conversationId && !(await this.leads.findById(leadId))) throw DomainError.validation('leadId', `no lead ${leadId}`);
    const text = ` ${normalPhrase(dto.text)} `;
    const matched: KeywordEventResult['matched'] = [];
    for (const g of await this.rows.listActiveByName()) {
      const keyword = (JSON.parse(g.keywords) as string[]).find((k) => text.includes(` ${k} `));
      if (!keyword) continue;
      const runKey = await this.runner.enqueue({ groupId: g.id, trigger: 'keyword', triggerRef: dto.eventId ? `${keyword}|${dto.eventId}` : keyword, leadId, conversationId: dto.conversationId ?? null, enrollmentId: null, actorId });
      matched.push({ groupId: g.id, name: g.name, keyword, runKey });
    }
    return { matched };
  }
}

/** A path of group ids from `from` that reaches `to`, or null. */
function pathTo(graph: Map<string, string[]>, from: string, to: string, seen = new Set<string>()): string[] | null {
  if (from === to) return [to];
  if (seen.has(from)) return null;
  seen.add(from);
  for (const next of graph.get(from) ?? []) {
    const rest = pathTo(graph, next, to, seen);
    if (rest) return [from, ...rest];
  }
  return null;
}

export function toGroupView(g: ActionGroupEntity): ActionGroupView {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    active: g.active,
    actions: parseActions(g.actions),
    keywords: JSON.parse(g.keywords) as string[],
    createdAt: g.createdAt.toISOString(),
    updatedAt: g.updatedAt.toISOString(),
  };
}
