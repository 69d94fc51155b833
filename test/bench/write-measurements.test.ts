/** `npm run bench` writes its figures into docs/measurements.md (issue 21): nothing there is typed by hand. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BENCH_SECTIONS, fillMeasurement, MEASUREMENTS_FILE, renderMeasurement, writeMeasurements, type Measurement } from '../../bench/write-measurements';

const measured: Measurement = { section: 'import', command: 'npm run bench -- --import-only', at: '2026-12-01T10:00:00.000Z', environment: 'node v20.19.0, 2 CPU(s)', report: 'calls a minute: 340 of 350\n' };

describe('docs/measurements.md', () => {
  it('has a section for every part of the bench', () => {
    const text = fs.readFileSync(MEASUREMENTS_FILE, 'utf8');
    for (const section of BENCH_SECTIONS) {
      expect(text).toContain(`<!-- bench:${section}:start -->`);
      expect(text).toContain(`<!-- bench:${section}:end -->`);
    }
  });
});

describe('writeMeasurements', () => {
  it('renders the command, the date, the machine and the report as printed', () => {
    expect(renderMeasurement(measured)).toBe(
      [
        '<!-- written by `npm run bench -- --import-only` (bench/write-measurements.ts): run it again rather than edit -->',
        '',
        'Measured 2026-12-01 with `npm run bench -- --import-only` (node v20.19.0, 2 CPU(s)):',
        '',
        '```text',
        'calls a minute: 340 of 350',
        '```',
      ].join('\n'),
    );
  });

  it('refills only its own section, keeps the text around it, and is stable when run again', () => {
    const text = 'intro\n<!-- bench:import:start -->\nold figure\n<!-- bench:import:end -->\nmiddle\n<!-- bench:simulator:start -->\nkept\n<!-- bench:simulator:end -->\n';
    const filled = fillMeasurement(text, measured);
    expect(filled).not.toContain('old figure');
    expect(filled).toContain('middle\n<!-- bench:simulator:start -->\nkept\n<!-- bench:simulator:end -->\n');
    expect(filled.startsWith('intro\n<!-- bench:import:start -->\n<!-- written by')).toBe(true);
    expect(fillMeasurement(filled, measured)).toBe(filled);
  });

  it('refuses a file without the section, naming it', () => {
    expect(() => fillMeasurement('no markers', measured, 'm.md')).toThrow('m.md: no "<!-- bench:import:start -->" … "<!-- bench:import:end -->" section');
  });

  it('writes into the file it is given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'measurements-'));
    try {
      const file = path.join(dir, 'm.md');
      fs.writeFileSync(file, '<!-- bench:import:start -->\n<!-- bench:import:end -->\n');
      writeMeasurements([measured], file);
      expect(fs.readFileSync(file, 'utf8')).toContain('calls a minute: 340 of 350');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
