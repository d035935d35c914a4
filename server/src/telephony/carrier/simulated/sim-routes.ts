import { CarrierHttpError } from '../twilio-shape.js';
import { notFound } from './refusals.js';
import type { SimCall, SimMessage, SimOutcome, SimScript } from './types.js';

/** The controls these routes drive: the carrier's own methods. */
export interface SimControls {
  call(sid: string): SimCall;
  listCalls(): SimCall[];
  listMessages(): SimMessage[];
  answer(sid: string, options?: { answeredBy?: string }): Promise<void>;
  hangup(sid: string): Promise<void>;
  reject(sid: string, status: 'busy' | 'failed'): Promise<void>;
  mute(sid: string, muted: boolean): void;
  sendDigits(sid: string, digits: string): void;
  injectInboundCall(input: { from: string; to: string }): Promise<SimCall>;
  /** Every conference, or one by sid or open friendly name, with who hears whom. */
  conferenceViews(): unknown[];
  conferenceView(sidOrName: string): unknown;
  injectInboundSms(input: { from: string; to: string; body: string }): Promise<string>;
  script(to: string, plan: SimScript | null): void;
  advance(ms: number): Promise<void>;
  now(): Date;
}

const OUTCOMES: SimOutcome[] = ['answer', 'machine', 'busy', 'no-answer', 'failed', 'hold'];

/** The controls under `/sim/…` (JSON bodies), for a softphone or a demo driving the far end through our server. */
export async function simRoute(sim: SimControls, method: string, path: string, raw: string): Promise<[number, unknown]> {
  let body: Record<string, unknown> = {};
  if (raw.trim()) {
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new CarrierHttpError(400, 20001, 'The body is not JSON');
    }
  }
  const str = (key: string): string => (typeof body[key] === 'string' ? (body[key] as string) : '');
  const m = /^\/sim\/calls\/([^/]+)(?:\/(answer|hangup|reject|mute|digits))?$/.exec(path);
  if (m && method === 'GET' && !m[2]) return [200, sim.call(m[1])];
  if (m && method === 'POST' && m[2]) {
    const sid = m[1];
    switch (m[2]) {
      case 'answer':
        await sim.answer(sid, { answeredBy: str('answeredBy') || undefined });
        break;
      case 'hangup':
        await sim.hangup(sid);
        break;
      case 'reject':
        await sim.reject(sid, (str('status') || 'busy') as 'busy' | 'failed');
        break;
      case 'mute':
        sim.mute(sid, body.muted !== false);
        break;
      case 'digits':
        sim.sendDigits(sid, str('digits'));
        break;
    }
    return [200, sim.call(sid)];
  }
  if (path === '/sim/calls' && method === 'GET') return [200, { calls: sim.listCalls() }];
  if (path === '/sim/conferences' && method === 'GET') return [200, { conferences: sim.conferenceViews() }];
  const room = /^\/sim\/conferences\/([^/]+)$/.exec(path);
  if (room && method === 'GET') return [200, sim.conferenceView(decodeURIComponent(room[1]))];
  if (path === '/sim/messages' && method === 'GET') return [200, { messages: sim.listMessages() }];
  if (path === '/sim/inbound-calls' && method === 'POST') return [201, await sim.injectInboundCall({ from: str('from'), to: str('to') })];
  if (path === '/sim/inbound-messages' && method === 'POST') {
    const reply = await sim.injectInboundSms({ from: str('from'), to: str('to'), body: str('body') });
    return [201, { reply }];
  }
  const script = /^\/sim\/scripts\/([^/]+)$/.exec(path);
  if (script && method === 'PUT') {
    const outcome = str('outcome') as SimOutcome;
    if (!OUTCOMES.includes(outcome)) throw new CarrierHttpError(400, 21218, `outcome must be answer, machine, busy, no-answer, failed or hold, not ${outcome || '(empty)'}`);
    const plan: SimScript = { outcome };
    if (typeof body.ringSeconds === 'number') plan.ringSeconds = body.ringSeconds;
    if (typeof body.talkSeconds === 'number') plan.talkSeconds = body.talkSeconds;
    if (str('answeredBy')) plan.answeredBy = str('answeredBy');
    sim.script(decodeURIComponent(script[1]), plan);
    return [200, plan];
  }
  if (script && method === 'DELETE') {
    sim.script(decodeURIComponent(script[1]), null);
    return [204, null];
  }
  if (path === '/sim/advance' && method === 'POST') {
    await sim.advance(Number(body.ms ?? 0));
    return [200, { now: sim.now() }];
  }
  throw notFound(path);
}
