/** A worker process of the simulator's pool: runs the seeds its parent sends, one at a time. */
import { summarize } from './report';
import { runSeed } from './run-seed';
import type { ProfileName } from './profile';

interface Job {
  seed: number;
  profile: ProfileName;
  strict: boolean;
}

process.on('message', (job: Job | 'exit') => {
  if (job === 'exit') {
    process.exit(0);
  }
  runSeed(job.seed, job.profile).then(
    (run) => process.send?.({ ok: true, summary: summarize(run, job.strict) }),
    (error: unknown) => process.send?.({ ok: false, seed: job.seed, profile: job.profile, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.send?.('ready');
