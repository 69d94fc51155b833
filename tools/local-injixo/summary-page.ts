import { INTERVAL_MINUTES, type ContactStore, type DuplicateContact } from './contact-store';

export type SummaryGranularity = '15min' | 'hour';

export const SUMMARY_GRANULARITIES: Record<SummaryGranularity, number> = { '15min': INTERVAL_MINUTES, hour: 60 };

export interface QueueSummary {
  queueIdentifier: string;
  queueName: string;
  /** Offered contacts per interval start; intervals with none are left out. */
  byInterval: Record<string, number>;
  offered: number;
}

export interface Summary {
  granularity: SummaryGranularity;
  /** Every interval start with at least one offered contact, ascending. */
  intervals: string[];
  queues: QueueSummary[];
  /** Stored contacts, offered or not. */
  total: number;
  duplicates: DuplicateContact[];
}

export function isSummaryGranularity(value: string): value is SummaryGranularity {
  return Object.hasOwn(SUMMARY_GRANULARITIES, value);
}

/** What GET /api/summary answers and GET / shows. Holds no key and nothing from request headers. */
export function buildSummary(store: ContactStore, granularity: SummaryGranularity): Summary {
  const queues = store.queues().map((queue): QueueSummary => ({ ...queue, byInterval: {} }));
  const byKey = new Map(queues.map((queue) => [`${queue.queueIdentifier}\n${queue.queueName}`, queue]));
  const intervals = new Set<string>();
  for (const row of store.offeredPerQueueInterval(SUMMARY_GRANULARITIES[granularity])) {
    intervals.add(row.intervalStart);
    const queue = byKey.get(`${row.queueIdentifier}\n${row.queueName}`);
    if (queue) queue.byInterval[row.intervalStart] = row.offered;
  }
  return { granularity, intervals: [...intervals].sort(), queues, total: store.total(), duplicates: store.duplicates() };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** `2026-11-21T10:30:00Z` → `2026-11-21 10:30` for a column header. */
function formatIntervalHeader(intervalStart: string): string {
  return intervalStart.slice(0, 16).replace('T', ' ');
}

function renderQueueTable(summary: Summary): string {
  if (summary.queues.length === 0) return '<p>No contacts received yet.</p>';
  const head = [
    '<th>Queue name</th>',
    '<th>Queue identifier</th>',
    ...summary.intervals.map((start) => `<th>${escapeHtml(formatIntervalHeader(start))}</th>`),
    '<th>Total</th>',
  ].join('');
  const rows = summary.queues.map((queue) => {
    const cells = summary.intervals.map((start) => `<td>${queue.byInterval[start] ?? ''}</td>`).join('');
    return `<tr><td>${escapeHtml(queue.queueName)}</td><td><code>${escapeHtml(queue.queueIdentifier)}</code></td>${cells}<td>${queue.offered}</td></tr>`;
  });
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function renderDuplicates(duplicates: readonly DuplicateContact[]): string {
  if (duplicates.length === 0) return '<p>No duplicates.</p>';
  const rows = duplicates.map(
    (dup) =>
      `<tr><td><code>${escapeHtml(dup.queueIdentifier)}</code></td><td>${escapeHtml(dup.timestamp)}</td><td>${escapeHtml(dup.channel)}</td><td>${dup.received}</td></tr>`,
  );
  return `<table><thead><tr><th>Queue identifier</th><th>Timestamp</th><th>Channel</th><th>Received</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderSummaryPage(summary: Summary): string {
  const other: SummaryGranularity = summary.granularity === 'hour' ? '15min' : 'hour';
  const label = summary.granularity === 'hour' ? 'per hour' : 'per 15 minutes';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<title>Local injixo</title>
<style>body{font-family:sans-serif;margin:1.5rem}table{border-collapse:collapse;margin-bottom:1rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}th:first-child,td:first-child,td:nth-child(2){text-align:left}</style>
</head>
<body>
<h1>Local injixo</h1>
<p>${summary.total} contacts stored. Offered contacts ${label} (UTC) — <a href="?by=${other}">show ${other === 'hour' ? 'per hour' : 'per 15 minutes'}</a>, <a href="api/summary?by=${summary.granularity}">JSON</a>.</p>
<h2>Offered contacts</h2>
${renderQueueTable(summary)}
<h2>Duplicates</h2>
${renderDuplicates(summary.duplicates)}
</body>
</html>
`;
}
