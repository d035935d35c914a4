/**
 * A simulated floor for proving pacers, in simulated time and without the application:
 * discrete events (calls placed, ringing, a person, a machine, busy or no answer by the
 * setting's answer rate drifting hour to hour, the 2-second rule: an answered call with
 * no agent free within 2 s is abandoned; talk and wrap-up times drawn from seeded
 * distributions). Agents work `hoursPerDay` a day; the pacer is asked every second and
 * whenever an agent becomes free. The pacer sees what the application's pacer sees.
 */
import { Durations } from './estimates.js';
import { Heap, Samples, seeded, Window } from './sim-kit.js';

export { seeded };
import { type AgentNow, type FloorNow, type PacingDecision, predictiveLines, type Share } from './model.js';

export interface FloorSetting {
  agents: number;
  /** Share of calls a person answers (before the hourly drift). */
  answerRate: number;
  days: number;
  hoursPerDay: number;
  seed: number;
  ringSeconds?: number;
  maxLinesPerAgent?: number;
  /** Fractions. */
  target?: number;
  cap?: number;
}

/** What a pacer is shown: the floor now, as the application measures it. */
export interface FloorView {
  now: number;
  setting: Required<FloorSetting>;
  /** Every agent, `seconds` in their state as of now. */
  agents: readonly AgentNow[];
  /** Seconds rung of every call not yet answered or ended. */
  ringing: readonly number[];
  waiting: number;
  /** Last 200 and last 500 ended or answered calls, and of them answered by a person. */
  recent200: { calls: number; human: number };
  recent500: { calls: number; human: number };
  /** Recent samples (last 500), seconds. */
  ringToAnswerSamples: readonly number[];
  talkSamples: readonly number[];
  wrapSamples: readonly number[];
  abandon: { thirtyDays: Share; today: Share; lastHour: Share };
}

/** A pacer under test: new calls to place now. */
export type FloorPacer = (v: FloorView) => number;

export interface DayFigures {
  answered: number;
  abandoned: number;
  talkSeconds: number;
}

export interface FloorResult {
  setting: Required<FloorSetting>;
  calls: number;
  answered: number;
  abandoned: number;
  talkMinutesPerAgentHour: number;
  abandonShare: number;
  worstDayShare: number;
  days: DayFigures[];
  /** Mean seconds an agent waited ready between the end of a wrap-up (or the day's start) and the next call. */
  idleSecondsBetweenCalls: number;
  /** Longest an answered person waited before an agent or the abandon message (s); the rule is ≤ 2. */
  longestWaitSeconds: number;
  /** Share of answered calls put through to an agent within 2 s. */
  connectedWithinTwoSeconds: number;
  /** The most lines ringing per agent at once. */
  peakLinesPerAgent: number;
}

interface Agent extends AgentNow {
  since: number;
  readyAt: number;
}

interface Call {
  placedAt: number;
  day: number;
  /** Index in the ringing list while ringing, else -1. */
  slot: number;
}

export function simulateFloor(input: FloorSetting, pacer: FloorPacer): FloorResult {
  const setting: Required<FloorSetting> = { ringSeconds: 20, maxLinesPerAgent: 3, target: 0.025, cap: 0.03, ...input };
  const random = seeded(setting.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Talk: lognormal, median 150 s (mean about 180 s), at least 15 s. Wrap-up: 5 s plus an exponential of mean 10 s, at most 60 s.
  const drawTalk = () => Math.max(15, 150 * Math.exp(0.6 * normal()));
  const drawWrap = () => Math.min(60, 5 - 10 * Math.log(1 - random()));
  const dayLength = setting.hoursPerDay * 3600;
  const dayGap = 16 * 3600;

  const heap = new Heap();
  let seq = 0;
  let now = 0;
  const at = (t: number, run: () => void) => heap.push({ t, seq: seq++, run });

  const agents: Agent[] = Array.from({ length: setting.agents }, () => ({ state: 'ready' as const, seconds: 0, since: 0, readyAt: 0 }));
  const ringing: Call[] = [];
  const ringSeconds: number[] = [];
  const waitingQueue: Array<{ call: Call; at: number; done: boolean }> = [];
  const recent200 = new Window(200);
  const recent500 = new Window(500);
  const ringSamples = new Samples(500);
  const talkSamples = new Samples(500);
  const wrapSamples = new Samples(500);
  const days: DayFigures[] = [];
  const minutes: Array<{ minute: number; answered: number; abandoned: number }> = [];
  let day = 0;
  let dayStart = 0;
  let dialing = true;
  let calls = 0;
  let idleSum = 0;
  let idleCount = 0;
  let longestWait = 0;
  let connectedFast = 0;
  let peakPerAgent = 0;
  // The answer rate drifts hour to hour (0.85–1.15 of the setting), as lists and times of day do.
  let hourFactor = 1;
  let hourOf = -1;

  const today = () => days[day];
  const minuteBucket = () => {
    const minute = Math.floor(now / 60);
    let b = minutes[minutes.length - 1];
    if (!b || b.minute !== minute) {
      b = { minute, answered: 0, abandoned: 0 };
      minutes.push(b);
      while (minutes.length && minutes[0].minute <= minute - 60) minutes.shift();
    }
    return b;
  };

  const stopRinging = (c: Call) => {
    const i = c.slot;
    const last = ringing.pop() as Call;
    if (last !== c) {
      ringing[i] = last;
      last.slot = i;
    }
    c.slot = -1;
  };

  const freeAgent = (): Agent | null => {
    let best: Agent | null = null;
    for (const a of agents) if (a.state === 'ready' && (!best || a.since < best.since)) best = a;
    return best;
  };

  const bridge = (a: Agent, call: Call) => {
    idleSum += now - a.readyAt;
    idleCount++;
    a.state = 'on_call';
    a.since = now;
    const talk = drawTalk();
    const figures = days[call.day];
    at(now + talk, () => {
      // Talk after the day's end (calls still going when the agents' hours are up) is not counted.
      figures.talkSeconds += Math.max(0, Math.min(now, dayStart + dayLength) - (now - talk));
      talkSamples.push(talk);
      a.state = 'wrap_up';
      a.since = now;
      const wrap = drawWrap();
      at(now + wrap, () => {
        wrapSamples.push(wrap);
        becomeReady(a);
      });
    });
  };

  const becomeReady = (a: Agent) => {
    a.state = 'ready';
    a.since = now;
    a.readyAt = now;
    // Answered people waiting take the agent first.
    while (waitingQueue.length && waitingQueue[0].done) waitingQueue.shift();
    const w = waitingQueue.shift();
    if (w) {
      w.done = true;
      longestWait = Math.max(longestWait, now - w.at);
      connectedFast++;
      bridge(a, w.call);
      return;
    }
    if (dialing) pace();
  };

  const place = () => {
    const c: Call = { placedAt: now, day, slot: ringing.length };
    ringing.push(c);
    calls++;
    peakPerAgent = Math.max(peakPerAgent, ringing.length / setting.agents);
    const r = random();
    const p = Math.min(0.95, setting.answerRate * hourFactor);
    if (r < p) {
      const ring = 3 + random() * 12;
      at(now + ring, () => {
        stopRinging(c);
        recent200.push(true);
        recent500.push(true);
        ringSamples.push(ring);
        days[c.day].answered++;
        minuteBucket().answered++;
        const a = freeAgent();
        if (a) {
          connectedFast++;
          bridge(a, c);
          return;
        }
        const w = { call: c, at: now, done: false };
        waitingQueue.push(w);
        at(now + 2, () => {
          if (w.done) return;
          w.done = true;
          longestWait = Math.max(longestWait, 2);
          days[c.day].abandoned++;
          minuteBucket().abandoned++;
        });
      });
    } else {
      // A machine (answered, detected and hung up on), busy, or no answer for the whole ring.
      const end = r < p + 0.1 ? 3 + random() * 12 : r < p + 0.2 ? 3 : setting.ringSeconds;
      at(now + end, () => {
        stopRinging(c);
        recent200.push(false);
        recent500.push(false);
      });
    }
  };

  const waitingNow = () => {
    let n = 0;
    for (const w of waitingQueue) if (!w.done) n++;
    return n;
  };

  const view = (): FloorView => {
    for (const a of agents) a.seconds = now - a.since;
    ringSeconds.length = ringing.length;
    for (let i = 0; i < ringing.length; i++) ringSeconds[i] = now - ringing[i].placedAt;
    let answered = 0;
    let abandoned = 0;
    for (const d of days.slice(-22)) {
      answered += d.answered;
      abandoned += d.abandoned;
    }
    let hAnswered = 0;
    let hAbandoned = 0;
    for (const m of minutes) {
      if (m.minute > Math.floor(now / 60) - 60) {
        hAnswered += m.answered;
        hAbandoned += m.abandoned;
      }
    }
    return {
      now,
      setting,
      agents,
      ringing: ringSeconds,
      waiting: waitingNow(),
      recent200: { calls: recent200.count, human: recent200.hits },
      recent500: { calls: recent500.count, human: recent500.hits },
      ringToAnswerSamples: ringSamples.values,
      talkSamples: talkSamples.values,
      wrapSamples: wrapSamples.values,
      abandon: { thirtyDays: { answered, abandoned }, today: { answered: today().answered, abandoned: today().abandoned }, lastHour: { answered: hAnswered, abandoned: hAbandoned } },
    };
  };

  const pace = () => {
    const n = pacer(view());
    for (let i = 0; i < n; i++) place();
  };

  const tick = () => {
    if (!dialing) return;
    const hour = Math.floor((now - dayStart) / 3600);
    if (hour !== hourOf) {
      hourOf = hour;
      hourFactor = 0.85 + 0.3 * random();
    }
    pace();
    at(now + 1, tick);
  };

  for (day = 0; day < setting.days; day++) {
    dayStart = day * (dayLength + dayGap);
    now = dayStart;
    days.push({ answered: 0, abandoned: 0, talkSeconds: 0 });
    dialing = true;
    hourOf = -1;
    for (const a of agents) {
      a.state = 'ready';
      a.since = now;
      a.readyAt = now;
    }
    at(now, tick);
    at(dayStart + dayLength, () => {
      dialing = false;
    });
    // Until the day's calls have all ended (agents then go home: their state at night is not simulated).
    for (let e = heap.pop(); e; e = heap.pop()) {
      now = e.t;
      e.run();
    }
  }

  const answered = days.reduce((n, d) => n + d.answered, 0);
  const abandoned = days.reduce((n, d) => n + d.abandoned, 0);
  const talk = days.reduce((n, d) => n + d.talkSeconds, 0);
  return {
    setting,
    calls,
    answered,
    abandoned,
    talkMinutesPerAgentHour: talk / 60 / (setting.agents * setting.hoursPerDay * setting.days),
    abandonShare: answered ? abandoned / answered : 0,
    worstDayShare: Math.max(0, ...days.map((d) => (d.answered ? d.abandoned / d.answered : 0))),
    days,
    idleSecondsBetweenCalls: idleCount ? idleSum / idleCount : 0,
    longestWaitSeconds: longestWait,
    connectedWithinTwoSeconds: answered ? connectedFast / answered : 0,
    peakLinesPerAgent: peakPerAgent,
  };
}

/**
 * The floor model (`predictiveLines`) as a simulated floor's pacer. The distributions are
 * rebuilt once a simulated minute (the application rebuilds them on every pass).
 */
export function modelPacer(): FloorPacer & { last: PacingDecision | null } {
  let built = -Infinity;
  let ring = new Durations([], 9);
  let talk = new Durations([], 180);
  let wrap = new Durations([], 15);
  const pacer = (v: FloorView): number => {
    if (v.now - built >= 60) {
      built = v.now;
      ring = new Durations(v.ringToAnswerSamples, 9);
      talk = new Durations(v.talkSamples, 180);
      wrap = new Durations(v.wrapSamples, 15);
    }
    const f: FloorNow = {
      agents: v.agents,
      ringing: v.ringing,
      waiting: v.waiting,
      recent: v.recent500,
      ringToAnswer: ring,
      talk,
      wrap,
      ringSeconds: v.setting.ringSeconds,
      abandon: v.abandon,
      target: v.setting.target,
      cap: v.setting.cap,
      maxLinesPerAgent: v.setting.maxLinesPerAgent,
    };
    const d = predictiveLines(f);
    pacer.last = d;
    return d.lines;
  };
  pacer.last = null as PacingDecision | null;
  return pacer;
}
