/**
 * The CLI's progress line (issue 22): one label per listing phase, a share done that moves while
 * a page's conversations are read, and an ETA from the recent pace, not from the start.
 *
 * The walk reads a whole list page first (its newest updated_at becomes the cursor's position at
 * once; after the listing's last page the next phase begins) and then one conversations call per
 * listed ticket, about 100 calls. Measured by the cursor alone, the share jumps ahead and then
 * stands still for those calls while an ETA taken since the start keeps growing ("90.0% spam"
 * while the tickets' replies are still read). So the meter interpolates within the page by the
 * tickets whose conversations are done, and takes the pace over the last two minutes: a share
 * that stands still (a 429 wait) shows no ETA rather than a growing one.
 */
import { LIST_PHASES, walkProgress, type ImportCursor } from '../import/cursor';

/** What each listing is called on the progress line. */
export const PHASE_LABELS: Readonly<Record<ImportCursor['phase'], string>> = {
  tickets: 'tickets',
  spam: 'spam tickets',
  deleted: 'deleted tickets',
  done: 'done',
};

/** The pace is measured over this much recent time. */
export const PACE_WINDOW_MS = 120_000;
/** No ETA before the pace has been watched this long. */
const MIN_PACE_MS = 10_000;

/** The page whose conversations are being read: the share before it was listed and after, and its size. */
interface Page {
  before: number;
  after: number;
  size: number;
}

export interface ProgressReading {
  /** 0–1. */
  share: number;
  /** Seconds left at the recent pace; undefined when the pace is unknown or zero. */
  etaSeconds: number | undefined;
  /** "1/3 tickets" */
  step: string;
  /** Freshdesk calls a minute over the recent window. */
  callsPerMinute: number;
}

export class ProgressMeter {
  private page: Page | undefined;
  private lastPending = 0;
  private lastShare = 0;
  private samples: { at: number; share: number; requests: number }[] = [];

  constructor(private readonly windowMs: number = PACE_WINDOW_MS) {}

  /** `requests`: Freshdesk calls made so far; the line shows their recent pace. */
  read(cursor: ImportCursor, now: number, requests: number): ProgressReading {
    const share = this.shareOf(cursor);
    this.samples.push({ at: now, share, requests });
    while (this.samples.length > 2 && (this.samples[1]?.at ?? now) <= now - this.windowMs) this.samples.shift();
    const oldest = this.samples[0];
    const span = oldest === undefined ? 0 : now - oldest.at;
    const callsPerMinute = oldest !== undefined && span > 0 ? ((requests - oldest.requests) / span) * 60_000 : 0;
    return { share, etaSeconds: this.eta(share, now), step: stepOf(cursor), callsPerMinute };
  }

  /**
   * The cursor's share, with the page being worked on interpolated by its conversations read.
   * A page is "read" when its tickets join `pending`; the cursor's own share then already
   * counts all of it (or, for the listing's last page, the next phase has begun).
   */
  shareOf(cursor: ImportCursor): number {
    const raw = walkProgress(cursor);
    const pending = cursor.pending.length;
    const page = this.page;
    if (page === undefined || raw !== page.after || pending > this.lastPending) {
      this.page = { before: page === undefined ? 0 : this.lastShare, after: raw, size: Math.max(pending, 1) };
    }
    this.lastPending = pending;
    const current = this.page as Page;
    const doneInPage = 1 - Math.min(1, pending / current.size);
    this.lastShare = Math.max(this.lastShare, current.before + (current.after - current.before) * doneInPage);
    return this.lastShare;
  }

  private eta(share: number, now: number): number | undefined {
    const oldest = this.samples[0];
    if (oldest === undefined || now - oldest.at < MIN_PACE_MS) return undefined;
    const pace = (share - oldest.share) / (now - oldest.at);
    if (!(pace > 0)) return undefined;
    return Math.round((1 - share) / pace / 1000);
  }
}

/**
 * The listing being worked on: after its last page the cursor names the next phase at once
 * (no position in it yet) while the last page's conversations are still read.
 */
function workingPhase(cursor: ImportCursor): ImportCursor['phase'] {
  const listedBefore = cursor.pending.length > 0 && (cursor.phase === 'done' || cursor.lastUpdatedAt === null);
  const index = cursor.phase === 'done' ? LIST_PHASES.length : LIST_PHASES.indexOf(cursor.phase);
  return listedBefore ? (LIST_PHASES[index - 1] ?? cursor.phase) : cursor.phase;
}

function stepOf(cursor: ImportCursor): string {
  const phase = workingPhase(cursor);
  if (phase === 'done') return PHASE_LABELS.done;
  return `${LIST_PHASES.indexOf(phase) + 1}/${LIST_PHASES.length} ${PHASE_LABELS[phase]}`;
}

/** "1h05m", "12m30s", "45s"; "--" when unknown. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined) return '--';
  if (seconds === 0) return 'now';
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${seconds}s`;
}

export interface ProgressFigures {
  ticketsRead: number;
  contacts: number;
  sent: number;
}

/** `37.5% · step 1/3 tickets · 1234 tickets read, 2345 contacts, 2000 sent · 98 calls/min · ETA 12m30s` */
export function formatProgressLine(reading: ProgressReading, figures: ProgressFigures): string {
  return [
    `${(reading.share * 100).toFixed(1)}%`,
    `step ${reading.step}`,
    `${figures.ticketsRead} tickets read, ${figures.contacts} contacts, ${figures.sent} sent`,
    `${reading.callsPerMinute.toFixed(0)} calls/min`,
    `ETA ${formatEta(reading.etaSeconds)}`,
  ].join(' · ');
}
