/**
 * Writes what a bench run measured into docs/measurements.md, between
 *
 *   <!-- bench:<section>:start -->
 *   <!-- bench:<section>:end -->
 *
 * one section per part of the bench (the day budget alone, the whole day, rate search and overload, the CLI import, the in-app
 * import, the opt-in features, the fault simulator). Each part of `npm run bench` (and each of
 * its `--…-only` modes) rewrites only its own sections, with the command that measured it, the
 * date and the machine, so no figure in that file is typed by hand.
 * test/bench/write-measurements.test.ts checks the filling; docs/measurements.md says which
 * older figures have not been re-measured yet.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const MEASUREMENTS_FILE = path.resolve(__dirname, '..', 'docs', 'measurements.md');

export const BENCH_SECTIONS = ['day', 'day-and-rate', 'import', 'in-app-import', 'opt-in', 'simulator', 'check'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

export interface Measurement {
  section: BenchSection;
  /** The command a reader runs to measure it again. */
  command: string;
  /** When it was measured (ISO time; the date is shown). */
  at: string;
  /** The machine (node version, CPUs). */
  environment: string;
  /** The bench's own report of this part, as printed. */
  report: string;
}

const startOf = (section: BenchSection): string => `<!-- bench:${section}:start -->`;
const endOf = (section: BenchSection): string => `<!-- bench:${section}:end -->`;

/** The generated body of one section. */
export function renderMeasurement(m: Measurement): string {
  return [
    `<!-- written by \`${m.command}\` (bench/write-measurements.ts): run it again rather than edit -->`,
    '',
    `Measured ${m.at.slice(0, 10)} with \`${m.command}\` (${m.environment}):`,
    '',
    '```text',
    m.report.trimEnd(),
    '```',
  ].join('\n');
}

/** `text` with the section of `m` refilled; throws when the file has no such section. */
export function fillMeasurement(text: string, m: Measurement, where = 'docs/measurements.md'): string {
  const start = text.indexOf(startOf(m.section));
  const end = text.indexOf(endOf(m.section));
  if (start < 0 || end < start) throw new Error(`${where}: no "${startOf(m.section)}" … "${endOf(m.section)}" section`);
  const afterStart = start + startOf(m.section).length;
  return `${text.slice(0, afterStart)}\n${renderMeasurement(m)}\n${text.slice(end)}`;
}

/** Writes the measurements into the file (docs/measurements.md unless told otherwise). */
export function writeMeasurements(measurements: readonly Measurement[], file = MEASUREMENTS_FILE): void {
  let text = fs.readFileSync(file, 'utf8');
  for (const m of measurements) text = fillMeasurement(text, m, file);
  fs.writeFileSync(file, text);
}
