/**
 * Scheduled events (`$schedule`) of one installation, after architecture/scheduled_events_doc.md
 * and the developers.freshworks.com "Scheduled events" page: at most 1000 one-time schedules
 * and 1 recurring schedule, `data` ≤ 4 KB, recurring frequency at least 5 minutes, unique
 * names. The docs say success and error answers are "a json with status and message" but not
 * their wording or codes; ours are [assumption].
 */
import type { Clock } from '../clock';
import { isPlainObject, jsonBytes, rejectWith } from './types';

export const MAX_ONE_TIME_SCHEDULES = 1000;
export const MAX_RECURRING_SCHEDULES = 1;
export const MAX_SCHEDULE_DATA_BYTES = 4 * 1024;
export const MIN_RECURRING_INTERVAL_MS = 5 * 60_000;

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
type TimeUnit = keyof typeof UNIT_MS;

export interface ScheduleRecord {
  name: string;
  data: Record<string, unknown>;
  schedule_at: string;
  repeat?: { time_unit: TimeUnit; frequency: number };
  /** Clock ms of the next firing. */
  nextRunAt: number;
}

interface ValidSpec {
  name: string;
  data: Record<string, unknown>;
  scheduleAt: number;
  repeat: { time_unit: TimeUnit; frequency: number } | undefined;
}

function parseName(spec: unknown): string {
  const name = isPlainObject(spec) ? spec.name : undefined;
  if (typeof name !== 'string' || name.trim() === '') rejectWith(400, 'Schedule name is required and must be a non-empty string');
  return name;
}

function parseRepeat(repeat: unknown): ValidSpec['repeat'] {
  if (repeat === undefined || repeat === null) return undefined;
  const unit = isPlainObject(repeat) ? repeat.time_unit : undefined;
  const frequency = isPlainObject(repeat) ? repeat.frequency : undefined;
  if (typeof unit !== 'string' || !(unit in UNIT_MS)) rejectWith(400, 'repeat.time_unit must be one of minutes, hours, days');
  if (typeof frequency !== 'number' || !Number.isInteger(frequency) || frequency < 1) {
    rejectWith(400, 'repeat.frequency must be a positive integer');
  }
  const timeUnit = unit as TimeUnit;
  if (UNIT_MS[timeUnit] * frequency < MIN_RECURRING_INTERVAL_MS) {
    rejectWith(400, 'A recurring schedule must not repeat more often than every 5 minutes');
  }
  return { time_unit: timeUnit, frequency };
}

export class Scheduler {
  private readonly schedules = new Map<string, ScheduleRecord>();

  /** `minLeadMs`: how far after the call `schedule_at` must lie (fidelity.minScheduleLeadMs). */
  constructor(private readonly clock: Clock, private readonly minLeadMs: number = 0) {}

  private validate(spec: unknown): ValidSpec {
    const name = parseName(spec);
    const s = spec as Record<string, unknown>;
    if (!isPlainObject(s.data)) rejectWith(400, 'Schedule data must be a JSON object');
    if (jsonBytes(s.data) > MAX_SCHEDULE_DATA_BYTES) rejectWith(400, 'Schedule data must not exceed 4 KB');
    const scheduleAt = typeof s.schedule_at === 'string' ? Date.parse(s.schedule_at) : Number.NaN;
    if (Number.isNaN(scheduleAt)) rejectWith(400, 'schedule_at must be an ISO-8601 date-time');
    if (scheduleAt <= this.clock.now()) rejectWith(400, 'schedule_at must be a time in the future');
    // SPEC §5: at least 5 minutes after the call. The wording of the refusal is ours. [assumption]
    if (scheduleAt - this.clock.now() < this.minLeadMs) {
      rejectWith(400, `schedule_at must be at least ${Math.ceil(this.minLeadMs / 60_000)} minutes from the current time`);
    }
    return { name, data: s.data, scheduleAt, repeat: parseRepeat(s.repeat) };
  }

  private store(spec: ValidSpec): void {
    this.schedules.set(spec.name, {
      name: spec.name,
      data: JSON.parse(JSON.stringify(spec.data)) as Record<string, unknown>,
      schedule_at: new Date(spec.scheduleAt).toISOString(),
      ...(spec.repeat ? { repeat: spec.repeat } : {}),
      nextRunAt: spec.scheduleAt,
    });
  }

  private checkCapacity(spec: ValidSpec, replacing: ScheduleRecord | undefined): void {
    const others = [...this.schedules.values()].filter((s) => s !== replacing);
    if (spec.repeat && others.filter((s) => s.repeat).length >= MAX_RECURRING_SCHEDULES) {
      rejectWith(400, 'Only one recurring schedule is allowed per installation');
    }
    if (!spec.repeat && others.filter((s) => !s.repeat).length >= MAX_ONE_TIME_SCHEDULES) {
      rejectWith(400, `At most ${MAX_ONE_TIME_SCHEDULES} one-time schedules are allowed per installation`);
    }
  }

  create(spec: unknown): { status: 200; message: string } {
    const valid = this.validate(spec);
    if (this.schedules.has(valid.name)) rejectWith(409, `A schedule named '${valid.name}' already exists`, 'error');
    this.checkCapacity(valid, undefined);
    this.store(valid);
    return { status: 200, message: 'Schedule created successfully' };
  }

  fetch(query: unknown): Omit<ScheduleRecord, 'nextRunAt'> {
    const found = this.schedules.get(parseName(query));
    if (!found) rejectWith(404, 'Schedule not found', 'error');
    const { nextRunAt: _nextRunAt, ...visible } = found;
    return JSON.parse(JSON.stringify(visible)) as Omit<ScheduleRecord, 'nextRunAt'>;
  }

  update(spec: unknown): { status: 200; message: string } {
    const valid = this.validate(spec);
    const existing = this.schedules.get(valid.name);
    if (!existing) rejectWith(404, 'Schedule not found', 'error');
    this.checkCapacity(valid, existing);
    this.store(valid);
    return { status: 200, message: 'Schedule updated successfully' };
  }

  delete(query: unknown): { status: 200; message: string } {
    const name = parseName(query);
    if (!this.schedules.delete(name)) rejectWith(404, 'Schedule not found', 'error');
    return { status: 200, message: 'Schedule deleted successfully' };
  }

  /** When the earliest schedule falls due, if one does at or before `until`; nothing changes. */
  peekNextDue(until: number): number | undefined {
    let next: number | undefined;
    for (const s of this.schedules.values()) if (s.nextRunAt <= until && (next === undefined || s.nextRunAt < next)) next = s.nextRunAt;
    return next;
  }

  /**
   * The earliest schedule due at or before `until`. A one-time schedule is removed and a
   * recurring one re-armed before it fires, so the handler may re-create or update it.
   */
  takeNextDue(until: number): ScheduleRecord | undefined {
    let next: ScheduleRecord | undefined;
    for (const s of this.schedules.values()) {
      if (s.nextRunAt <= until && (!next || s.nextRunAt < next.nextRunAt)) next = s;
    }
    if (!next) return undefined;
    const fired = { ...next };
    if (next.repeat) next.nextRunAt += UNIT_MS[next.repeat.time_unit] * next.repeat.frequency;
    else this.schedules.delete(next.name);
    return fired;
  }

  snapshot(): ScheduleRecord[] {
    return [...this.schedules.values()].map((s) => JSON.parse(JSON.stringify(s)) as ScheduleRecord);
  }

  clear(): void {
    this.schedules.clear();
  }
}
