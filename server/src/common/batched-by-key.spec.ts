import { describe, expect, it } from '@jest/globals';
import { BatchedByKey } from './batched-by-key.js';

/** A table of rows by key whose reads are recorded and can be held open. */
function table(rows: Record<string, string>) {
  const reads: string[][] = [];
  let hold: Promise<void> = Promise.resolve();
  let release = () => {};
  return {
    reads,
    rows,
    holdNext() {
      hold = new Promise((r) => (release = r));
    },
    release: () => release(),
    read: async (keys: Map<string, undefined>) => {
      reads.push([...keys.keys()]);
      const snapshot = new Map([...keys.keys()].filter((k) => k in rows).map((k) => [k, rows[k]]));
      await hold;
      return snapshot;
    },
  };
}

describe('BatchedByKey', () => {
  it('answers every caller of one turn with one call; a key asked twice is passed once; a key without an answer gets undefined', async () => {
    const t = table({ a: 'A', b: 'B' });
    const reads = new BatchedByKey(t.read);
    await expect(Promise.all([reads.get('a'), reads.get('b'), reads.get('a'), reads.get('zz')])).resolves.toEqual(['A', 'B', 'A', undefined]);
    expect(t.reads).toEqual([['a', 'b', 'zz']]);
  });

  it('gathers what is asked while a call runs into the next one, which sees changes made meanwhile', async () => {
    const t = table({ a: 'old' });
    const reads = new BatchedByKey(t.read);
    t.holdNext();
    const first = reads.get('a');
    await new Promise((r) => setImmediate(r));
    // Asked while the first read is out: the row changed after that read began.
    t.rows.a = 'new';
    const second = Promise.all([reads.get('a'), reads.get('b')]);
    t.release();
    await expect(first).resolves.toBe('old');
    await expect(second).resolves.toEqual(['new', undefined]);
    expect(t.reads).toEqual([['a'], ['a', 'b']]);
  });

  it('passes at most `max` keys at a time', async () => {
    const t = table({});
    const reads = new BatchedByKey(t.read, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => reads.get(k)));
    expect(t.reads).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('passes each key with its latest input', async () => {
    const seen: Array<[string, number]> = [];
    const writes = new BatchedByKey<number, number>(async (inputs) => {
      seen.push(...inputs);
      return new Map([...inputs].map(([k, v]) => [k, v * 10]));
    });
    await expect(Promise.all([writes.get('a', 1), writes.get('b', 2), writes.get('a', 3)])).resolves.toEqual([30, 20, 30]);
    expect(seen).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('a failed call fails its callers only; the next batch is called', async () => {
    let calls = 0;
    const reads = new BatchedByKey<string>(async (keys) => {
      if (calls++ === 0) throw new Error('connection lost');
      return new Map([...keys.keys()].map((k) => [k, k.toUpperCase()]));
    }, 1);
    const [a, b] = await Promise.allSettled([reads.get('a'), reads.get('b')]);
    expect(a).toMatchObject({ status: 'rejected', reason: new Error('connection lost') });
    expect(b).toEqual({ status: 'fulfilled', value: 'B' });
    await expect(reads.get('c')).resolves.toBe('C');
  });

  it('isolate: when a batch fails, each key is asked alone, so only the failing key\'s callers fail', async () => {
    const calls: string[][] = [];
    const reads = new BatchedByKey<string>(
      async (keys) => {
        calls.push([...keys.keys()]);
        if (keys.has('bad')) throw new Error('bad row');
        return new Map([...keys.keys()].map((k) => [k, k.toUpperCase()]));
      },
      { isolate: true },
    );
    const [a, bad, b] = await Promise.allSettled([reads.get('a'), reads.get('bad'), reads.get('b')]);
    expect(a).toEqual({ status: 'fulfilled', value: 'A' });
    expect(bad).toMatchObject({ status: 'rejected', reason: new Error('bad row') });
    expect(b).toEqual({ status: 'fulfilled', value: 'B' });
    expect(calls).toEqual([['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
  });

  it('merge: a key asked again while it waits combines its inputs', async () => {
    const seen: Array<[string, string[]]> = [];
    const acks = new BatchedByKey<number, string[]>(
      async (inputs) => {
        seen.push(...inputs);
        return new Map([...inputs].map(([k, v]) => [k, v.length]));
      },
      { merge: (a, b) => [...a, ...b] },
    );
    await expect(Promise.all([acks.get('u', ['d1']), acks.get('v', ['d2']), acks.get('u', ['d3'])])).resolves.toEqual([2, 1, 2]);
    expect(seen).toEqual([
      ['u', ['d1', 'd3']],
      ['v', ['d2']],
    ]);
  });
});
