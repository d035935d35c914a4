#!/usr/bin/env node
// Runs the jest projects in ESM mode. `--unit` runs only the unit project; other
// arguments pass through to jest (e.g. a path pattern).
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const jestArgs = ['--config', 'test/jest.config.cjs'];
// Two workers (jest's default on two cores is one, i.e. everything in one process), each
// replaced once it holds more than 1.5 GB between files: every integration file loads the
// whole application afresh, and a single process grows and slows down over a full run.
if (!args.some((a) => a === '-i' || a === '--runInBand' || a.startsWith('--maxWorkers') || a.startsWith('-w'))) jestArgs.push('--maxWorkers=2', '--workerIdleMemoryLimit=1500MB');
jestArgs.push(...args.filter((a) => a !== '--unit'));
if (process.env.CI) jestArgs.push('--ci');
// Last, because --selectProjects takes every word after it.
if (args.includes('--unit')) jestArgs.push('--selectProjects', 'unit');

const env = {
  ...process.env,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim(),
  // A zone other than UTC, so code that leans on the process's local time is caught.
  TZ: process.env.TZ ?? 'America/Chicago',
};
const run = spawnSync(process.execPath, [resolve(root, 'node_modules/jest/bin/jest.js'), ...jestArgs], { cwd: root, env, stdio: 'inherit' });
process.exit(run.status ?? 1);
