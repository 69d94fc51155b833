/**
 * Runs many seeds on a pool of child processes (each seed is single-threaded: a process per
 * core), in seed order of completion. A seed that crashes the simulator itself is reported as
 * a failure of the harness, not of an invariant.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { SeedSummary } from './report';
import type { ProfileName } from './profile';

export interface SeedJob {
  seed: number;
  profile: ProfileName;
}

type Reply = { ok: true; summary: SeedSummary } | { ok: false; seed: number; profile: ProfileName; error: string };

export async function runPool(jobs: readonly SeedJob[], options: { workers: number; strict: boolean; onSummary?: (s: SeedSummary) => void }): Promise<SeedSummary[]> {
  const queue = [...jobs];
  const summaries: SeedSummary[] = [];
  const errors: string[] = [];
  const worker = path.join(__dirname, 'worker.ts');
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const child: ChildProcess = fork(worker, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      const next = (): void => {
        const job = queue.shift();
        if (!job) {
          child.send('exit');
          return;
        }
        child.send({ ...job, strict: options.strict });
      };
      child.on('message', (message: 'ready' | Reply) => {
        if (message === 'ready') return next();
        if (message.ok) {
          summaries.push(message.summary);
          options.onSummary?.(message.summary);
        } else {
          errors.push(`seed ${message.seed} (${message.profile}): the simulator itself failed: ${message.error}`);
        }
        next();
      });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`simulator worker exited with ${String(code)}`))));
      child.on('error', reject);
    });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.workers, jobs.length)) }, one));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return summaries.sort((a, b) => a.seed - b.seed || a.profile.localeCompare(b.profile));
}
