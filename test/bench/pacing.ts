/**
 * Predictive pacing on a simulated floor, for a simulated month, without the application.
 *
 * The grid 10, 50, 200 agents × answer rates 10, 25, 40% (drifting 0.85–1.15× hour to
 * hour), `--days` (22) working days of `--hours` (8) hours, target 2.5%, cap 3%, 3 lines
 * per agent at most. Both pacers run in this one process through the same seeded floor
 * (`server/src/dialer/pacing/floor-sim.ts`): the floor model (`pacing/model.ts`, what
 * the dialer runs) and the binomial pacer it replaced (`pacing-baseline.ts`). Prints per
 * setting talk minutes per agent hour, the abandon share (30 days and the worst day),
 * idle seconds between calls and the 2-second rule; asserts the cap on every day for the
 * floor model. Exits non-zero when a day went above the cap.
 *
 *   node --import @swc-node/register/esm-register test/bench/pacing.ts [--days 22] [--hours 8] [--agents 10,50,200] [--rates 10,25,40]
 */
import { performance } from 'node:perf_hooks';
import { type FloorPacer, type FloorResult, type FloorView, modelPacer, simulateFloor } from '../../server/src/dialer/pacing/floor-sim.js';
import { predictiveLines as baselineLines } from './pacing-baseline.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const days = Number(arg('days', '22'));
const hours = Number(arg('hours', '8'));
const agentCounts = arg('agents', '10,50,200').split(',').map(Number);
const rates = arg('rates', '10,25,40').split(',').map(Number);

/** The pacer before the floor model, fed as the application fed it. */
function baselinePacer(): FloorPacer {
  let avgTalk = 60;
  let built = -Infinity;
  return (v: FloorView) => {
    if (v.now - built >= 60) {
      built = v.now;
      avgTalk = v.talkSamples.length ? v.talkSamples.reduce((n, s) => n + s, 0) / v.talkSamples.length : 60;
    }
    let ready = 0;
    let finishing = 0;
    for (const a of v.agents) {
      if (a.state === 'ready') ready++;
      else if (a.state === 'on_call' && a.seconds >= avgTalk) finishing++;
    }
    const share = (s: { answered: number; abandoned: number }) => (s.answered ? s.abandoned / s.answered : 0);
    return baselineLines({
      ready,
      finishing,
      ringing: v.ringing.length,
      waiting: v.waiting,
      answerRate: v.recent200.calls >= 20 ? v.recent200.human / v.recent200.calls : null,
      abandon30d: share(v.abandon.thirtyDays),
      abandonToday: share(v.abandon.today),
      answeredToday: v.abandon.today.answered,
      cap: v.setting.cap,
      maxLinesPerAgent: v.setting.maxLinesPerAgent,
    }).lines;
  };
}

const pct = (f: number) => `${(f * 100).toFixed(2)}%`;
const row = (name: string, r: FloorResult, ms: number) =>
  `  ${name.padEnd(9)} ${r.talkMinutesPerAgentHour.toFixed(1).padStart(6)} talk min/agent h  abandoned ${pct(r.abandonShare).padStart(6)} (worst day ${pct(r.worstDayShare).padStart(6)})  ` +
  `idle ${r.idleSecondsBetweenCalls.toFixed(1).padStart(5)} s between calls  2-s rule: longest wait ${r.longestWaitSeconds.toFixed(1)} s, ${pct(r.connectedWithinTwoSeconds)} connected  ` +
  `${r.calls} calls, ${r.answered} answered, peak ${r.peakLinesPerAgent.toFixed(2)} lines/agent  (${(ms / 1000).toFixed(1)} s)`;

console.log(`pacing on a simulated floor: ${days} days × ${hours} h, target 2.5%, cap 3%, at most 3 lines per agent`);
let failed = 0;
for (const agents of agentCounts) {
  for (const rate of rates) {
    const setting = { agents, answerRate: rate / 100, days, hoursPerDay: hours, seed: agents * 1000 + rate };
    console.log(`${agents} agents, answer rate ${rate}%:`);
    for (const [name, pacer] of [
      ['model', modelPacer()],
      ['baseline', baselinePacer()],
    ] as const) {
      const started = performance.now();
      const r = simulateFloor(setting, pacer);
      console.log(row(name, r, performance.now() - started));
      const hot = r.days.map((d, i) => ({ i, share: d.answered ? d.abandoned / d.answered : 0 })).filter((d) => d.share > r.setting.cap);
      if (hot.length && name === 'model') {
        failed++;
        console.log(`  ✗ above the cap on day(s) ${hot.map((d) => `${d.i + 1} (${pct(d.share)})`).join(', ')}`);
      }
      if (r.longestWaitSeconds > 2 + 1e-9) {
        failed++;
        console.log(`  ✗ an answered call waited ${r.longestWaitSeconds.toFixed(2)} s`);
      }
    }
  }
}
if (failed) {
  console.log(`${failed} failure(s)`);
  process.exit(1);
}
