/** The local platform's clock while `npm start` serves (issue 22): it moves with real time. */
import { ManualClock } from '../../tools/clock';
import { runClockInRealTime } from '../../tools/sandbox/real-time';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('runClockInRealTime', () => {
  it('moves the platform forward by the real time that passed, tick after tick', async () => {
    const clock = new ManualClock('2026-11-03T00:30:00Z');
    const start = clock.now();
    const platform = { advance: (ms: number): Promise<void> => Promise.resolve(clock.advance(ms)) };
    const driver = runClockInRealTime(platform, { tickMs: 20 });
    await sleep(300);
    await driver.stop();
    const moved = clock.now() - start;
    expect(moved).toBeGreaterThanOrEqual(200);
    expect(moved).toBeLessThanOrEqual(400);
    // Stopped: no longer moves.
    const stoppedAt = clock.now();
    await sleep(60);
    expect(clock.now()).toBe(stoppedAt);
  });

  it('never runs two advances at once: a slow one (a delivery run) delays the next tick', async () => {
    let real = 0;
    let running = 0;
    let maxRunning = 0;
    let advanced = 0;
    const platform = {
      advance: async (ms: number): Promise<void> => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await sleep(50);
        advanced += ms;
        running -= 1;
      },
    };
    const driver = runClockInRealTime(platform, { tickMs: 5, now: () => real });
    for (let i = 0; i < 20; i += 1) {
      real += 10;
      await sleep(10);
    }
    await driver.stop();
    expect(maxRunning).toBe(1);
    expect(advanced).toBeGreaterThan(0);
    expect(advanced).toBeLessThanOrEqual(real);
  });

  it('tells about a failed advance and keeps going', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const platform = { advance: (): Promise<void> => (calls += 1) === 1 ? Promise.reject(new Error('handler threw')) : Promise.resolve() };
    const driver = runClockInRealTime(platform, { tickMs: 10, onError: (e) => errors.push(e) });
    await sleep(100);
    await driver.stop();
    expect(errors).toHaveLength(1);
    expect(calls).toBeGreaterThan(1);
  });
});
