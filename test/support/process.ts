import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves when `pattern` appears on stdout or stderr (rejects after `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** The signal that ended the process, when one did (its exit code is then null). */
  signal(): NodeJS.Signals | null;
}

/**
 * Runs a TypeScript entry point of ours as its own Node process, the way `node dist/...` would;
 * `root` names another checkout to run it from (a benchmark comparing two), `nodeArgs` go before the entry.
 */
export function spawnTs(entry: string, args: string[], env: Record<string, string>, opts: { root?: string; nodeArgs?: string[] } = {}): Spawned {
  const root = opts.root ?? ROOT;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', '@swc-node/register/esm-register', resolve(root, entry), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TZ: process.env.TZ ?? 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d) => {
    out += d;
    listeners.forEach((l) => l());
  });
  child.stderr!.on('data', (d) => {
    err += d;
    listeners.forEach((l) => l());
  });
  let signal: NodeJS.Signals | null = null;
  const exited = new Promise<number | null>((res) =>
    child.on('exit', (code, sig) => {
      signal = sig;
      res(code);
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    signal: () => signal,
    exited,
    waitFor(pattern, ms = 30_000) {
      return new Promise((res, rej) => {
        const check = () => {
          const m = (out + err).match(pattern);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            res(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          rej(new Error(`timed out waiting for ${pattern}; output so far:\n${out}\n${err}`));
        }, ms);
        listeners.add(check);
        exited.then(() => setTimeout(check, 50));
        check();
      });
    },
  };
}
