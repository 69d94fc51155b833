import type { Finding, ValidationReport } from './findings';

function formatFinding(f: Finding): string {
  const where = f.line === undefined ? f.file : `${f.file}::${f.line}`;
  return `${where}: ${f.message} (${f.rule})`;
}

/**
 * Renders a report the way `fdk validate` prints one: a header, then one `[ERROR]`/`[WARNING]`
 * line per finding as `file::line: message` (marketplace skills errors/request-method-errors.md
 * and the FDK's printed output).
 */
export function formatReport(report: ValidationReport): string {
  const lines: string[] = [];
  if (report.errors.length > 0) {
    lines.push('Validation failed due to the following issue(s):');
    for (const f of report.errors) lines.push(`[ERROR] ${formatFinding(f)}`);
  }
  if (report.warnings.length > 0) {
    lines.push('Warnings:');
    for (const f of report.warnings) lines.push(`[WARNING] ${formatFinding(f)}`);
  }
  if (report.errors.length === 0) lines.push('Validation Successful');
  return lines.join('\n');
}
