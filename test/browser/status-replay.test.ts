/**
 * The status page's import section and "Replay a period" form in Chromium, against the local
 * platform running the real SMI functions (getStatus, pauseImport, replayPeriod): what the
 * admin types in their own zone reaches the server as the right UTC window.
 */
import type { Browser, Page } from 'playwright-core';
import { newState } from '../../src/delivery/commit/state';
import type { AppState } from '../../src/delivery/stored/stored-data';
import { showWalk } from '../../src/delivery/status/walk-views';
import { startCursor } from '../../src/import/cursor';
import { IMPORT_JOB, type WalkJob } from '../../src/import/in-app';
import { REPLAY_JOB } from '../../src/import/replay';
import type { ImportRecord } from '../../src/import/import-record';
import { FRESHDESK_HOST_KEY, IMPORT_KEY, REPLAY_KEY, STATE_KEY } from '../../src/storage/keys';
import { fillField, inViewport, launchChromium, NOW, openPage, screenshot, startStack, type OpenOptions, type Stack } from './stack';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const NOW_MS = Date.parse(NOW);
const HOUR = 3_600_000;

function stateWithGaps(): AppState {
  const state = newState(Date.parse('2026-09-01T08:00:00Z'));
  state.health.lastSuccessAt = '2026-11-21T10:35:00Z';
  state.gaps = [
    // Older than the ledger's 35 days: only the CLI can refill it.
    { from: '2026-10-01T09:00:00Z', to: '2026-10-01T11:00:00Z', reason: 'no_delivery_runs' },
    { from: '2026-11-20T21:10:00Z', to: '2026-11-20T23:40:00Z', reason: 'no_delivery_runs' },
  ];
  return state;
}

function runningImport(): ImportRecord {
  const from = '2026-11-14T10:00:00.000Z';
  const to = '2026-11-21T10:00:00.000Z';
  const cursor = startCursor({ from, to }, to);
  cursor.lastUpdatedAt = '2026-11-17T10:00:00Z';
  cursor.counters.ticketsRead = 1234;
  return {
    v: 1, state: 'running', host: 'acme.freshdesk.com', from, to, cursor, token: 'import-1', nextAt: NOW_MS + 6 * 60_000, startedAtMs: NOW_MS - 2 * HOUR,
    slices: 20, requests: 400, contacts: 2100, waitedForBacklog: 0, problems: [], moreProblems: 0,
  };
}

/**
 * The stored state, host and walk records; each walk record's view goes into the state as the walk
 * itself would publish it (publishWalk), since the page reads the state alone.
 */
async function prepare(stack: Stack, extra: Record<string, Record<string, unknown>> = {}): Promise<void> {
  const db = stack.platform.globals().db;
  const state = { ...stateWithGaps(), host: 'acme.freshdesk.com' };
  const jobs: Record<string, WalkJob | undefined> = { [IMPORT_KEY]: IMPORT_JOB, [REPLAY_KEY]: REPLAY_JOB };
  for (const [key, value] of Object.entries(extra)) {
    await db.set(key, value);
    const job = jobs[key];
    if (job) showWalk(state, job.kind, job.view(value as unknown as ImportRecord, NOW_MS));
  }
  await db.set(STATE_KEY, state);
  await db.set(FRESHDESK_HOST_KEY, { host: 'acme.freshdesk.com' });
}

async function openStatus(stack: Stack, options: OpenOptions = {}): Promise<Page> {
  const page = await openPage(browser, stack.harness.statusUrl, { crayons: 'offline', ...options });
  await page.waitForSelector('#replay');
  return page;
}

async function storedReplay(stack: Stack): Promise<ImportRecord> {
  return (await stack.platform.globals().db.get(REPLAY_KEY)) as ImportRecord;
}

describe('status page: import section and replay form', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(async () => {
    await stack.close();
  });

  it('shows the running import with its progress and pauses it, and holds the replay form back while it runs', async () => {
    await prepare(stack, { [IMPORT_KEY]: runningImport() as unknown as Record<string, unknown> });
    const page = await openStatus(stack);
    expect(await page.getAttribute('#import', 'data-state')).toBe('running');
    const lines = await page.locator('#import .import-line').allInnerTexts();
    expect(lines.join(' ')).toContain('1,234 tickets read, 2,100 contacts handed to delivery, 400 Freshdesk requests.');
    expect(lines.join(' ')).toContain('Tickets updated up to 17 Nov 2026, 10:00 (UTC) have been read.');
    expect(await page.locator('#replay-busy').innerText()).toContain('The initial import has not finished.');
    expect(await page.locator('#replay-submit').isDisabled()).toBe(true);
    await screenshot(page, 'status-import-running');

    await page.click('#import-pause');
    await page.waitForSelector('#import[data-state="paused"]');
    expect(await page.locator('#import-resume').count()).toBe(1);
    await page.context().close();
  });

  it('replays a gap in one click, and keeps the CLI command for a gap older than the ledger', async () => {
    await prepare(stack);
    const page = await openStatus(stack, { timezoneId: 'Europe/Berlin' });
    const items = page.locator('#gap-list li');
    expect(await items.count()).toBe(2);
    // Newest first: the recent gap has the button, the old one the command.
    expect(await items.nth(1).locator('.command').innerText()).toBe('npm run import -- --domain acme.freshdesk.com --from 2026-10-01T09:00:00Z --to 2026-10-01T11:00:00Z');
    expect(await items.nth(1).locator('.gap-replay').count()).toBe(0);
    expect(await items.nth(0).locator('.command').count()).toBe(0);

    await items.nth(0).locator('.gap-replay').click();
    await page.waitForSelector('#replay[data-phase="walking"]');
    // The answer appears next to the button that asked, in view and focused.
    await page.waitForFunction(() => document.getElementById('gap-notice-0')?.textContent?.includes('The replay has started') === true);
    expect(await inViewport(page, '#gap-notice-0')).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('gap-notice-0');
    // The gap's window in the admin's zone went into the form, and back to UTC on the server (widened to whole quarter hours).
    const record = await storedReplay(stack);
    expect([record.kind, record.from, record.to]).toEqual(['replay', '2026-11-20T21:00:00Z', '2026-11-20T23:45:00Z']);
    expect(await page.locator('#replay .replay-line').first().innerText()).toBe('Period from 20 Nov 2026, 22:00 (Europe/Berlin) to 21 Nov 2026, 00:45 (Europe/Berlin).');
    expect(await page.locator('#replay-submit').isDisabled()).toBe(true);
    await screenshot(page, 'status-replay-walking');
    await page.context().close();
  });

  it('sends a typed period in the admin’s zone as UTC, and words a refusal', async () => {
    await prepare(stack);
    const page = await openStatus(stack, { timezoneId: 'America/New_York' });
    await page.fill('#replay-from', '19/11/2026 20:00');
    await page.fill('#replay-to', '21/11/2026 04:00');
    await page.click('#replay-submit');
    await page.waitForFunction(() => document.querySelector('#replay-notice')?.textContent?.includes('24 hours') === true);
    expect(await page.locator('#replay-notice').innerText()).toBe('One replay covers at most 24 hours. Replay a longer period in parts.');
    expect(await inViewport(page, '#replay-notice')).toBe(true);

    await page.fill('#replay-from', '20/11/2026 20:00');
    await page.click('#replay-submit');
    await page.waitForSelector('#replay[data-phase="walking"]');
    const record = await storedReplay(stack);
    expect([record.from, record.to]).toEqual(['2026-11-21T01:00:00Z', '2026-11-21T09:00:00Z']);
    await page.context().close();
  });

  it.each([
    { locale: 'en' as const, crayons: 'offline' as const, pattern: 'dd/mm/yyyy hh:mm', reversed: 'The start must be before the end.', bad: 'Write the start as dd/mm/yyyy hh:mm, for example 21/11/2026 10:00.' },
    { locale: 'fr' as const, crayons: 'real' as const, pattern: 'jj/mm/aaaa hh:mm', reversed: 'Le début doit précéder la fin.', bad: 'Écrivez le début au format jj/mm/aaaa hh:mm, par exemple 21/11/2026 10:00.' },
  ])('answers a reversed or unreadable period next to the form, in view and focused, and sends nothing ($locale, Crayons $crayons)', async ({ locale, crayons, pattern, reversed, bad }) => {
    await stack.close();
    stack = await startStack({ locale });
    await prepare(stack);
    const page = await openStatus(stack, { timezoneId: 'Europe/Paris', crayons });
    if (crayons === 'real') await page.waitForSelector('fw-input#replay-from.hydrated');
    const hint = crayons === 'real' ? await page.getAttribute('#replay-from', 'hint-text') : await page.locator('#replay-from-hint').innerText();
    expect(hint).toContain(pattern);
    await fillField(page, 'replay-from', '21/11/2026 04:00');
    await fillField(page, 'replay-to', '20/11/2026 20:00');
    const before = stack.harness.calls.length;
    await page.click('#replay-submit');
    await page.waitForFunction(() => !['', 'Working…', 'En cours…'].includes(document.getElementById('replay-notice')?.textContent ?? ''));
    expect(await page.locator('#replay-notice').innerText()).toBe(reversed);
    expect(await inViewport(page, '#replay-notice')).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('replay-notice');
    expect(await page.getAttribute('#replay-to', 'aria-invalid')).toBe('true');
    expect(stack.harness.calls.slice(before).filter((c) => c.name === 'replayPeriod')).toEqual([]);
    await screenshot(page, `status-replay-reversed-${locale}`);

    await fillField(page, 'replay-from', '11/31/2026 10:00');
    await page.click('#replay-submit');
    await page.waitForFunction((text) => document.getElementById('replay-notice')?.textContent === text, bad);
    expect(await page.getAttribute('#replay-from', 'aria-invalid')).toBe('true');
    expect(stack.harness.calls.slice(before).filter((c) => c.name === 'replayPeriod')).toEqual([]);
    await page.context().close();
  });

  it('shows a finished replay’s result per queue, in French', async () => {
    const done = {
      ...runningImport(), kind: 'replay', state: 'done', from: '2026-11-20T21:00:00Z', to: '2026-11-20T23:45:00Z', contacts: 60, finishedAtMs: NOW_MS - HOUR, walkedAtMs: NOW_MS - 2 * HOUR,
      result: { found: 60, alreadyDelivered: 41, sent: 21, surplus: 2, claimedElsewhere: 0, moreQueues: 0, queues: [{ queueIdentifier: 'freshdesk/42/1/tickets', queueName: 'CustomerService email Tickets', found: 30, delivered: 11, sent: 21, surplus: 2, claimedElsewhere: 0 }] },
    };
    delete (done as Partial<typeof done>).cursor;
    await stack.close();
    stack = await startStack({ locale: 'fr' });
    await prepare(stack, { [REPLAY_KEY]: done as unknown as Record<string, unknown> });
    const page = await openStatus(stack);
    expect(await page.locator('#replay h2').innerText()).toBe('Rejouer une période — Terminé');
    const text = await page.locator('#replay-progress').innerText();
    expect(text).toContain('21 contacts manquants envoyés : Freshdesk en montre 60, le registre en avait 41 livrés.');
    expect(text).toContain('injixo détient 2 contacts de plus');
    expect(await page.locator('#replay-result tbody tr').allInnerTexts()).toEqual(['CustomerService email Tickets\t21\t2']);
    expect(await page.locator('#replay-submit').isDisabled()).toBe(false);
    await screenshot(page, 'status-replay-done-fr');
    await page.context().close();
  });
});
