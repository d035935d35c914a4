import { isIsoDateTime } from '../common/iso-dates.js';

/**
 * Conditions on a lead's fields and activity, combined with AND, OR, or a custom logic
 * expression over their numbers such as `1 AND (2 OR NOT 3)`. Pure: `now` comes in.
 */
export interface FieldIssue {
  field: string;
  message: string;
}

export const CONDITION_OPS = ['eq', 'neq', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'empty', 'not_empty', 'gt', 'gte', 'lt', 'lte', 'has_tag', 'lacks_tag', 'within_last', 'not_within_last'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
export interface Condition {
  field: string;
  op: ConditionOp;
  value?: unknown;
}
export type CriteriaLogic = 'all' | 'any' | 'custom';
export interface Criteria {
  conditions: Condition[];
  logic: CriteriaLogic;
  expression?: string | null;
}

export interface LeadFacts {
  lead: {
    status: string;
    firstName: string | null;
    lastName: string | null;
    company: string | null;
    email: string | null;
    phone: string | null;
    timezone: string | null;
    region: string | null;
    ownerId: string | null;
    tags: string[];
    lastContactedAt: Date | null;
    lastContactedMode: string;
    lastActivityAt: Date | null;
    lastActivityType: string | null;
    instantDial: boolean;
    createdAt: Date;
  };
  custom: Record<string, string | number | boolean | null>;
  activity: {
    replied: boolean;
    callsMade: number;
    callsAnswered: number;
    smsSent: number;
    emailsSent: number;
    lastCallStatus: string | null;
    lastDisposition: string | null;
    emailBounced: boolean;
    /** An email from this schedule was opened / had a link clicked. */
    emailOpened: boolean;
    emailClicked: boolean;
    unsubscribed: boolean;
    optedOut: boolean;
  };
}

type FieldType = 'text' | 'number' | 'boolean' | 'date' | 'tags' | 'select';

export const STANDARD_FIELDS: Record<string, FieldType> = {
  'lead.status': 'text',
  'lead.firstName': 'text',
  'lead.lastName': 'text',
  'lead.company': 'text',
  'lead.email': 'text',
  'lead.phone': 'text',
  'lead.timezone': 'text',
  'lead.region': 'text',
  'lead.ownerId': 'text',
  'lead.tags': 'tags',
  'lead.lastContactedAt': 'date',
  'lead.lastContactedMode': 'text',
  'lead.lastActivityAt': 'date',
  'lead.lastActivityType': 'text',
  'lead.instantDial': 'boolean',
  'lead.createdAt': 'date',
  'activity.replied': 'boolean',
  'activity.callsMade': 'number',
  'activity.callsAnswered': 'number',
  'activity.smsSent': 'number',
  'activity.emailsSent': 'number',
  'activity.lastCallStatus': 'text',
  'activity.lastDisposition': 'text',
  'activity.emailBounced': 'boolean',
  'activity.emailOpened': 'boolean',
  'activity.emailClicked': 'boolean',
  'activity.unsubscribed': 'boolean',
  'activity.optedOut': 'boolean',
};

// ── the logic expression ────────────────────────────────────────────────────────────

export type LogicNode = { kind: 'ref'; index: number } | { kind: 'and' | 'or'; left: LogicNode; right: LogicNode } | { kind: 'not'; operand: LogicNode };

export class LogicError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

interface Token {
  kind: 'num' | 'and' | 'or' | 'not' | '(' | ')' | 'end';
  value: number;
  pos: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+)|(AND\b|OR\b|NOT\b)|([()]))/iy;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) {
      const at = pos + (text.slice(pos).length - text.slice(pos).trimStart().length);
      throw new LogicError(`does not parse at character ${at + 1}: unexpected "${text[at]}"`, at);
    }
    const start = m.index + m[0].length - (m[1] ?? m[2] ?? m[3]).length;
    if (m[1]) tokens.push({ kind: 'num', value: Number(m[1]), pos: start });
    else if (m[2]) tokens.push({ kind: m[2].toLowerCase() as 'and' | 'or' | 'not', value: 0, pos: start });
    else tokens.push({ kind: m[3] as '(' | ')', value: 0, pos: start });
    pos = re.lastIndex;
  }
  tokens.push({ kind: 'end', value: 0, pos: text.length });
  return tokens;
}

/** Parses `1 AND (2 OR NOT 3)`: NOT binds tightest, then AND, then OR; numbers are 1-based. */
export function parseLogic(expression: string, conditionCount: number): LogicNode {
  if (!expression.trim()) throw new LogicError('is empty', 0);
  const tokens = tokenize(expression);
  let i = 0;
  const peek = () => tokens[i];
  const expected = (what: string): never => {
    const t = peek();
    throw new LogicError(`does not parse at character ${t.pos + 1}: expected ${what}${t.kind === 'end' ? ' before the end' : ''}`, t.pos);
  };
  const primary = (): LogicNode => {
    const t = peek();
    if (t.kind === 'num') {
      i++;
      if (t.value < 1 || t.value > conditionCount) throw new LogicError(`condition ${t.value} does not exist; there ${conditionCount === 1 ? 'is 1' : `are ${conditionCount}`}`, t.pos);
      return { kind: 'ref', index: t.value - 1 };
    }
    if (t.kind === '(') {
      i++;
      const inner = or();
      if (peek().kind !== ')') expected('")"');
      i++;
      return inner;
    }
    return expected('a condition number');
  };
  const unary = (): LogicNode => {
    if (peek().kind === 'not') {
      i++;
      return { kind: 'not', operand: unary() };
    }
    return primary();
  };
  const and = (): LogicNode => {
    let left = unary();
    while (peek().kind === 'and') {
      i++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const or = (): LogicNode => {
    let left = and();
    while (peek().kind === 'or') {
      i++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const tree = or();
  if (peek().kind !== 'end') expected('AND, OR or the end');
  return tree;
}

function evalNode(node: LogicNode, values: boolean[]): boolean {
  switch (node.kind) {
    case 'ref':
      return values[node.index];
    case 'not':
      return !evalNode(node.operand, values);
    case 'and':
      return evalNode(node.left, values) && evalNode(node.right, values);
    case 'or':
      return evalNode(node.left, values) || evalNode(node.right, values);
  }
}

// ── validation ──────────────────────────────────────────────────────────────────────

/** '30m', '12h', '3d', '2w' in ms, or null. */
export function durationMs(s: string): number | null {
  const m = /^\s*(\d+)\s*([mhdw])\s*$/i.exec(s);
  if (!m) return null;
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[m[2].toLowerCase() as 'm' | 'h' | 'd' | 'w'];
}

function typeOf(field: string, custom: Record<string, FieldType>): FieldType | null {
  if (field.startsWith('custom.')) return custom[field.slice('custom.'.length)] ?? null;
  return STANDARD_FIELDS[field] ?? null;
}

export function validateCriteria(c: unknown, customFieldTypes: Record<string, 'text' | 'number' | 'boolean' | 'date' | 'select'>, prefix = 'criteria'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const crit = c as Partial<Criteria> | null;
  if (!crit || typeof crit !== 'object' || Array.isArray(crit)) return [{ field: prefix, message: 'must be an object with conditions and logic' }];
  if (!Array.isArray(crit.conditions)) return [{ field: `${prefix}.conditions`, message: 'must be a list' }];
  if (crit.conditions.length > 50) issues.push({ field: `${prefix}.conditions`, message: 'must have at most 50 conditions' });
  crit.conditions.forEach((raw, i) => {
    const at = `${prefix}.conditions[${i}]`;
    const cond = raw as Partial<Condition>;
    if (!cond || typeof cond !== 'object') return issues.push({ field: at, message: 'must be an object' });
    const type = typeof cond.field === 'string' ? typeOf(cond.field, customFieldTypes) : null;
    if (!type) return issues.push({ field: `${at}.field`, message: `unknown field ${String(cond.field ?? '(none)')}` });
    if (!CONDITION_OPS.includes(cond.op as ConditionOp)) return issues.push({ field: `${at}.op`, message: `must be one of ${CONDITION_OPS.join(', ')}` });
    const problem = valueProblem(cond.op as ConditionOp, type, cond.value);
    if (problem) issues.push({ field: problem.onOp ? `${at}.op` : `${at}.value`, message: problem.message });
  });
  if (!['all', 'any', 'custom'].includes(crit.logic as string)) issues.push({ field: `${prefix}.logic`, message: 'must be all, any or custom' });
  else if (crit.logic === 'custom') {
    if (typeof crit.expression !== 'string') issues.push({ field: `${prefix}.expression`, message: 'is required when logic is custom' });
    else {
      try {
        parseLogic(crit.expression, crit.conditions.length);
      } catch (e) {
        if (!(e instanceof LogicError)) throw e;
        issues.push({ field: `${prefix}.expression`, message: e.message });
      }
    }
  }
  return issues;
}

function valueProblem(op: ConditionOp, type: FieldType, value: unknown): { message: string; onOp?: boolean } | null {
  switch (op) {
    case 'empty':
    case 'not_empty':
      return value === undefined || value === null ? null : { message: `takes no value with ${op}` };
    case 'in':
    case 'not_in':
      return Array.isArray(value) && value.length ? null : { message: 'must be a non-empty list' };
    case 'has_tag':
    case 'lacks_tag':
      if (type !== 'tags') return { message: `${op} only applies to lead.tags`, onOp: true };
      return typeof value === 'string' && value.trim() ? null : { message: 'must be a tag' };
    case 'within_last':
    case 'not_within_last':
      if (type !== 'date') return { message: `${op} only applies to date fields`, onOp: true };
      return typeof value === 'string' && durationMs(value) !== null ? null : { message: 'must be a duration like 30m, 12h, 3d or 2w' };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (type === 'number') return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) ? null : { message: 'must be a number' };
      if (type === 'date') return isIsoDateTime(value) ? null : { message: 'must be an ISO date' };
      return { message: `${op} only applies to number and date fields`, onOp: true };
    case 'contains':
    case 'not_contains':
    case 'starts_with':
      if (type !== 'text' && type !== 'select' && !(type === 'tags' && op !== 'starts_with')) return { message: `${op} only applies to text fields`, onOp: true };
      return typeof value === 'string' ? null : { message: 'must be text' };
    default:
      if (value === undefined) return { message: 'is required' };
      if (type === 'boolean' && typeof value !== 'boolean' && value !== 'true' && value !== 'false') return { message: 'must be true or false' };
      if (type === 'number' && Number.isNaN(Number(value))) return { message: 'must be a number' };
      if (type === 'date' && !isIsoDateTime(value)) return { message: 'must be an ISO date' };
      return null;
  }
}

// ── evaluation ──────────────────────────────────────────────────────────────────────

function factValue(field: string, facts: LeadFacts): unknown {
  if (field.startsWith('custom.')) return facts.custom[field.slice('custom.'.length)];
  const [group, key] = field.split('.') as ['lead' | 'activity', string];
  return (facts[group] as Record<string, unknown>)[key];
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const text = (v: unknown) => String(v ?? '').trim().toLowerCase();
const instant = (v: unknown): number => (v instanceof Date ? v.getTime() : typeof v === 'string' || typeof v === 'number' ? new Date(v).getTime() : NaN);

function same(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'number') return actual === Number(expected);
  if (typeof actual === 'boolean') return actual === (expected === true || expected === 'true');
  if (actual instanceof Date) return actual.getTime() === instant(expected);
  return text(actual) === text(expected);
}

function holds(cond: Condition, facts: LeadFacts, now: Date): boolean {
  const v = factValue(cond.field, facts);
  switch (cond.op) {
    case 'eq':
      return Array.isArray(v) ? v.some((x) => same(x, cond.value)) : !isEmpty(v) && same(v, cond.value);
    case 'neq':
      return Array.isArray(v) ? !v.some((x) => same(x, cond.value)) : isEmpty(v) || !same(v, cond.value);
    case 'in':
      return (cond.value as unknown[]).some((x) => !isEmpty(v) && same(v, x));
    case 'not_in':
      return !(cond.value as unknown[]).some((x) => !isEmpty(v) && same(v, x));
    case 'contains':
      return Array.isArray(v) ? v.some((x) => text(x) === text(cond.value)) : text(v).includes(text(cond.value));
    case 'not_contains':
      return Array.isArray(v) ? !v.some((x) => text(x) === text(cond.value)) : !text(v).includes(text(cond.value));
    case 'starts_with':
      return text(v).startsWith(text(cond.value));
    case 'empty':
      return isEmpty(v);
    case 'not_empty':
      return !isEmpty(v);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (isEmpty(v)) return false;
      const a = v instanceof Date ? v.getTime() : Number(v);
      const b = v instanceof Date ? instant(cond.value) : Number(cond.value);
      return cond.op === 'gt' ? a > b : cond.op === 'gte' ? a >= b : cond.op === 'lt' ? a < b : a <= b;
    }
    case 'has_tag':
      return Array.isArray(v) && v.some((x) => text(x) === text(cond.value));
    case 'lacks_tag':
      return !(Array.isArray(v) && v.some((x) => text(x) === text(cond.value)));
    case 'within_last':
    case 'not_within_last': {
      const at = isEmpty(v) ? NaN : instant(v);
      const inside = !Number.isNaN(at) && now.getTime() - at <= (durationMs(String(cond.value)) ?? 0);
      return cond.op === 'within_last' ? inside : !inside;
    }
  }
}

export function evaluateCriteria(c: Criteria, facts: LeadFacts, now: Date): boolean {
  const values = c.conditions.map((cond) => holds(cond, facts, now));
  if (c.logic === 'any') return values.some(Boolean);
  if (c.logic === 'custom' && c.expression) return evalNode(parseLogic(c.expression, c.conditions.length), values);
  return values.every(Boolean);
}
