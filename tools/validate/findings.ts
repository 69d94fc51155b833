/** One problem found in the app, located as precisely as the source allows. */
export interface Finding {
  /** Path relative to the app root, with forward slashes (e.g. `server/server.js`). */
  file: string;
  line?: number;
  /** Stable id of the check (`manifest-schema`, `eqeqeq`, `fdk/no-unhandled-promise`, …). */
  rule: string;
  message: string;
}

export interface ValidationReport {
  errors: Finding[];
  warnings: Finding[];
}

/** Collects findings of one validation run; each check adds to it. */
export class FindingSink {
  readonly errors: Finding[] = [];
  readonly warnings: Finding[] = [];

  error(file: string, rule: string, message: string, line?: number): void {
    this.errors.push(makeFinding(file, rule, message, line));
  }

  warn(file: string, rule: string, message: string, line?: number): void {
    this.warnings.push(makeFinding(file, rule, message, line));
  }

  report(): ValidationReport {
    return { errors: [...this.errors], warnings: [...this.warnings] };
  }
}

function makeFinding(file: string, rule: string, message: string, line: number | undefined): Finding {
  return line === undefined ? { file, rule, message } : { file, line, rule, message };
}
