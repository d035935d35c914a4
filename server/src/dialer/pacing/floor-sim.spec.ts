import { describe, expect, it } from '@jest/globals';
import { modelPacer, simulateFloor } from './floor-sim.js';

describe('the floor model on a simulated floor', () => {
  it('50 agents at a 25% answer rate for three 8-hour days: never above the cap on a day, over 50 talk minutes per agent hour', () => {
    const r = simulateFloor({ agents: 50, answerRate: 0.25, days: 3, hoursPerDay: 8, seed: 50_025 }, modelPacer());
    for (const d of r.days) expect(d.abandoned / d.answered).toBeLessThanOrEqual(0.03);
    expect(r.abandonShare).toBeLessThanOrEqual(0.025 + 0.002);
    expect(r.longestWaitSeconds).toBeLessThanOrEqual(2);
    // Measured about 52 at this seed; the month-long benchmark gives 52.2 at 2.31%.
    expect(r.talkMinutesPerAgentHour).toBeGreaterThanOrEqual(50);
  });
});
