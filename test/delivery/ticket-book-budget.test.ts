/**
 * The ticket book at the largest account the app promises to serve (STYLE habit 13, issue 19
 * done-when item 3): 20,000 tickets a day with 11-digit ticket, group and conversation ids,
 * 500 groups, every ticket changed three times (4 versions: its creation's and the newest
 * MAX_VERSIONS, the most an entry keeps) and replied to 4 times over the next 3
 * days, some replies delivered again up to 3 days later. Three days of delivery runs, one
 * every two hours here to keep the test short (`npx tsx test/helpers/book-load.ts` runs the
 * same with one every 10 minutes, as the app does, and prints the KV calls per run).
 */
import { SHARD_BYTES_BUDGET } from '../../src/delivery/memory/ticket-book';
import { LARGEST, type LoadResult, simulateBook } from '../helpers/book-load';
import { KV_MAX_ENTRY_BYTES } from '../../tools/local-platform/kv-store';

let result: LoadResult;

beforeAll(async () => {
  ({ result } = await simulateBook({ ...LARGEST, runMinutes: 120 }));
  console.info(
    `ticket book at 20,000 tickets a day after 3 days: ${result.keys} keys, the largest ${result.largest.key} ${result.largest.bytes} bytes (budget ${SHARD_BYTES_BUDGET}); ` +
      `KV calls per two-hour run on the last day: ${result.steady.meanReads.toFixed(1)} reads, ${result.steady.meanWrites.toFixed(1)} writes`,
  );
}, 300_000);

describe('the ticket book at 20,000 tickets a day', () => {
  it('keeps every key under its byte budget, itself under the KV store\'s 40 KB', () => {
    expect(result.largest.bytes).toBeLessThanOrEqual(SHARD_BYTES_BUDGET);
    expect(SHARD_BYTES_BUDGET).toBeLessThan(KV_MAX_ENTRY_BYTES);
  });

  it('still knows a reply delivered again 3 days later as counted, and forgets nothing', () => {
    expect(result.firstHourAgain.replies).toBeGreaterThan(3000);
    expect(result.firstHourAgain.ageHours).toBeGreaterThanOrEqual(72);
    expect(result.firstHourAgain.counted).toBe(result.firstHourAgain.replies);
    expect(result.forgotten).toBeUndefined();
  });

  it('counts no redelivered reply twice, and never has to ask Freshdesk for a ticket it forgot', () => {
    expect(result.redeliveries).toBeGreaterThan(1000);
    expect(result.oldestRedeliveryAgeHours).toBeGreaterThan(60);
    expect(result.countedTwice).toBe(0);
    expect(result.forgottenTickets).toBe(0);
  });
});
