/**
 * Server functions a test asks through the local platform, as the status page would: an answer
 * that is not ok fails the test with the function's error.
 */
import type { ReplayAnswer } from '../../src/import/replay';
import type { Sandbox } from '../../tools/sandbox';

async function call(sandbox: Sandbox, name: string, data: Record<string, unknown>): Promise<unknown> {
  const answer = await sandbox.platform.callFunction(name, data);
  if (!answer.ok) throw new Error(`${name} failed: ${JSON.stringify(answer.error)}`);
  return answer.data;
}

export async function status(sandbox: Sandbox): Promise<Record<string, unknown>> {
  return (await call(sandbox, 'getStatus', {})) as Record<string, unknown>;
}

export async function askReplay(sandbox: Sandbox, from: number, to: number): Promise<ReplayAnswer> {
  return (await call(sandbox, 'replayPeriod', { from: new Date(from).toISOString(), to: new Date(to).toISOString() })) as ReplayAnswer;
}
