/**
 * The CLI's progress line (issue 22): one label per listing, a share that moves while a page's
 * conversations are read, and an ETA from the recent pace that never grows while nothing moves.
 */
import { formatEta, formatProgressLine, ProgressMeter } from '../../src/cli/progress';
import { startCursor, type ImportCursor, type PendingTicket } from '../../src/import/cursor';

const FROM = '2026-10-01T00:00:00Z';
const STARTED = '2026-10-31T00:00:00Z';

function pending(n: number): PendingTicket[] {
  return Array.from({ length: n }, (_, i) => ({ id: i + 1, group_id: null, source: 1, spam: false, deleted: false, created_at: FROM, page: 1 }));
}

function cursorAt(phase: ImportCursor['phase'], lastUpdatedAt: string | null, pendingCount: number): ImportCursor {
  const cursor = startCursor({ from: FROM, to: STARTED }, STARTED);
  return { ...cursor, phase, lastUpdatedAt, pending: pending(pendingCount) };
}

describe('ProgressMeter', () => {
  it('moves the share while a page’s conversations are read, instead of jumping and standing still', () => {
    const meter = new ProgressMeter();
    // A page listed up to 15 days in (45 % of the tickets listing), 100 conversations to read.
    const shares = [100, 75, 50, 25, 0].map((left, i) => meter.read(cursorAt('tickets', '2026-10-16T00:00:00Z', left), i * 15_000, i * 25).share);
    expect(shares[0]).toBeCloseTo(0);
    expect(shares[2]).toBeCloseTo(0.225);
    expect(shares[4]).toBeCloseTo(0.45);
    for (let i = 1; i < shares.length; i += 1) expect(shares[i]).toBeGreaterThan(shares[i - 1] ?? 1);
  });

  it('keeps the label of the listing whose last page is still being read after the cursor moved to the next one', () => {
    const meter = new ProgressMeter();
    meter.read(cursorAt('tickets', '2026-10-30T00:00:00Z', 0), 0, 0);
    const reading = meter.read(cursorAt('spam', null, 40), 1_000, 1);
    expect(reading.step).toBe('1/3 tickets');
    expect(meter.read(cursorAt('spam', '2026-10-02T00:00:00Z', 0), 2_000, 41).step).toBe('2/3 spam tickets');
    expect(meter.read(cursorAt('done', null, 3), 3_000, 42).step).toBe('3/3 deleted tickets');
    expect(meter.read(cursorAt('done', null, 0), 4_000, 45).step).toBe('done');
  });

  it('gives an ETA from the recent pace that shrinks as work is done, and none while nothing moves', () => {
    const meter = new ProgressMeter(60_000);
    const etas: (number | undefined)[] = [];
    for (let i = 0; i <= 10; i += 1) etas.push(meter.read(cursorAt('tickets', '2026-10-16T00:00:00Z', 100 - i * 10), i * 10_000, i * 10).etaSeconds);
    expect(etas[0]).toBeUndefined();
    const known = etas.filter((e): e is number => e !== undefined);
    for (let i = 1; i < known.length; i += 1) expect(known[i]).toBeLessThan(known[i - 1] ?? 0);
    // A long wait (429): the share stands still for longer than the pace window.
    meter.read(cursorAt('tickets', '2026-10-16T00:00:00Z', 0), 200_000, 100);
    const reading = meter.read(cursorAt('tickets', '2026-10-16T00:00:00Z', 0), 270_000, 100);
    expect(reading.etaSeconds).toBeUndefined();
    expect(reading.callsPerMinute).toBe(0);
  });
});

describe('the progress line', () => {
  it('names each listing once and writes the figures with their own words', () => {
    const meter = new ProgressMeter();
    const reading = meter.read(cursorAt('tickets', '2026-10-16T00:00:00Z', 0), 0, 0);
    const line = formatProgressLine(reading, { ticketsRead: 100, contacts: 250, sent: 200 });
    expect(line).toBe('45.0% · step 1/3 tickets · 100 tickets read, 250 contacts, 200 sent · 0 calls/min · ETA --');
    expect(line).not.toMatch(/tickets tickets/);
  });

  it.each([
    [undefined, '--'],
    [0, 'now'],
    [45, '45s'],
    [750, '12m30s'],
    [3_900, '1h05m'],
  ])('writes an ETA of %p seconds as %s', (seconds, text) => {
    expect(formatEta(seconds)).toBe(text);
  });
});
