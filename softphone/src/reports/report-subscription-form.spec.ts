import { describe, expect, it } from '@jest/globals';
import type { ReportFilterValues } from './report-kinds.js';
import { bodyOf, draftOf, filtersText, isEmailed, refusalOf } from './report-subscription-form.js';

const filters = (over: Partial<ReportFilterValues> = {}): ReportFilterValues => ({ from: '2026-12-01', to: '2026-12-07', queueId: 'q1', importId: '', agentId: 'a1', scheduleId: '', groupBy: 'hour', perCall: true, auditKind: 'consent', ...over });
const queues = [{ id: 'q1', name: 'Demo campaign' }];
const agents = [{ id: 'a1', name: 'Alex Agent' }];

describe('the scheduled email form', () => {
  it('is offered for the four reports the server emails only', () => {
    expect(['agent-performance', 'campaign-summary', 'list-penetration', 'dispositions', 'abandon-evidence', 'consent-audit', 'schedule'].filter((r) => isEmailed(r as never))).toEqual(['agent-performance', 'campaign-summary', 'dispositions', 'abandon-evidence']);
  });

  it('starts from the page’s queue, agent and grouping, yesterday at 07:00 to nobody', () => {
    expect(draftOf('dispositions', filters())).toEqual({ report: 'dispositions', queueId: 'q1', agentId: 'a1', groupBy: 'hour', range: 'yesterday', time: '07:00', recipients: [] });
    // The abandon evidence is by day for every agent, whatever another report left in the filters.
    expect(draftOf('abandon-evidence', filters())).toMatchObject({ agentId: '', groupBy: 'day' });
  });

  it('posts no choice as null', () => {
    expect(bodyOf({ ...draftOf('agent-performance', filters({ queueId: '', agentId: '' })), recipients: ['u1'] })).toEqual({ report: 'agent-performance', queueId: null, agentId: null, groupBy: 'hour', range: 'yesterday', time: '07:00', recipients: ['u1'] });
  });

  it('puts a 400 under the field it names, and the page’s filters in a line of their own', () => {
    expect(refusalOf([{ field: 'recipients', message: 'must name at least one user' }, { field: 'recipients.0', message: 'must be user ids' }, { field: 'time', message: 'must be a time of day as HH:mm' }])).toEqual({ byField: { recipients: 'must name at least one user', time: 'must be a time of day as HH:mm' }, rest: null });
    expect(refusalOf([{ field: 'to', message: 'the range is at most 366 days' }, { field: 'queueId', message: 'no such queue' }, { field: 'groupBy', message: 'the abandon evidence is by day' }])).toEqual({ byField: { range: 'the range is at most 366 days' }, rest: 'Dial queue: no such queue; Grouping: the abandon evidence is by day' });
  });

  it('says the filters in words, with names', () => {
    expect(filtersText({ report: 'agent-performance', queueId: 'q1', agentId: null, groupBy: 'hour' }, queues, agents)).toBe('Demo campaign, all agents, by hour');
    expect(filtersText({ report: 'campaign-summary', queueId: null, agentId: 'a1', groupBy: 'hour-of-day' }, queues, agents)).toBe('all queues, Alex Agent, by hour of the day');
    expect(filtersText({ report: 'abandon-evidence', queueId: 'gone', agentId: null, groupBy: 'day' }, queues, agents)).toBe('one queue, by day');
  });
});
