import * as espree from 'espree';
import type { Node, Program } from 'estree';
import { FDK_DEFAULT_ECMA_VERSION } from './ecma-version';

export type ParseResult = { ok: true; program: Program } | { ok: false; message: string; line: number };

/**
 * Parses JavaScript the way ESLint would (espree), without running it, at `ecmaVersion`
 * (the FDK's configured level, see ecma-version.ts).
 */
export function parseScript(source: string, sourceType: 'script' | 'module' = 'script', ecmaVersion: number = FDK_DEFAULT_ECMA_VERSION): ParseResult {
  try {
    const program = espree.parse(source, { ecmaVersion: ecmaVersion as NonNullable<espree.Options['ecmaVersion']>, sourceType, loc: true }) as unknown as Program;
    return { ok: true, program };
  } catch (err) {
    const { message, lineNumber } = err as { message: string; lineNumber?: number };
    return { ok: false, message, line: lineNumber ?? 1 };
  }
}

/** Depth-first visit of every AST node under `root`. */
export function walkNodes(root: Node, visit: (node: Node) => void): void {
  visit(root);
  for (const [key, value] of Object.entries(root)) {
    if (key === 'loc' || key === 'range') continue;
    const children: unknown[] = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (isNode(child)) walkNodes(child, visit);
    }
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** A property key written as `name`, `'name'` or `"name"`; undefined for computed keys. */
export function staticKeyName(key: Node, computed: boolean): string | undefined {
  if (key.type === 'Identifier' && !computed) return key.name;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return undefined;
}

export type ExportsResult = { ok: true; names: string[] } | { ok: false; message: string; line?: number };

/**
 * Handler names of server.js, read from its literal top-level `exports = { … }` — the FDK
 * discovers serverless handlers statically from that literal (SPEC §5; marketplace skills
 * errors/error-catalog.md, "Helper function parsing error").
 */
export function readExportedHandlers(source: string, ecmaVersion: number = FDK_DEFAULT_ECMA_VERSION): ExportsResult {
  const parsed = parseScript(source, 'script', ecmaVersion);
  if (!parsed.ok) {
    return { ok: false, message: `Error while parsing file containing serverless functions: ${parsed.message}`, line: parsed.line };
  }
  for (const statement of parsed.program.body) {
    if (statement.type !== 'ExpressionStatement') continue;
    const expr = statement.expression;
    if (expr.type !== 'AssignmentExpression' || expr.left.type !== 'Identifier' || expr.left.name !== 'exports') continue;
    if (expr.right.type !== 'ObjectExpression') break;
    const names: string[] = [];
    for (const prop of expr.right.properties) {
      if (prop.type !== 'Property') continue;
      const name = staticKeyName(prop.key, prop.computed);
      if (name !== undefined) names.push(name);
    }
    return { ok: true, names };
  }
  return { ok: false, message: 'server/server.js must assign a literal object to exports at the top level: exports = { handlerName: function (args) { … } }' };
}
