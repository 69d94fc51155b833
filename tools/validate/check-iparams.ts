import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node } from 'estree';
import { isObject } from './check-manifest';
import type { IparamFacts } from './check-requests';
import type { FindingSink } from './findings';
import { parseScript, staticKeyName, walkNodes } from './parse-script';
import { IPARAM_TYPES, OPTION_TYPES, PRODUCT_BOUND_TYPES, iparamsSchema } from './schemas/iparams-schema';
import { findSchemaViolations } from './schema-errors';

const JSON_FILE = 'config/iparams.json';
const HTML_FILE = 'config/iparams.html';

/** Globals a custom installation page must define (marketplace skills errors/custom-iparams-errors.md). */
const CUSTOM_PAGE_METHODS = ['getConfigs', 'postConfigs', 'validate'] as const;

/**
 * Checks config/iparams.json (marketplace skills errors/installation-parameters-errors.md,
 * errors/error-catalog.md for dropdown defaults) and returns what the templates need to know.
 */
export function checkIparamsJson(iparams: unknown, sink: FindingSink): IparamFacts {
  for (const v of findSchemaViolations(iparamsSchema, iparams)) {
    sink.error(JSON_FILE, 'iparams-schema', v.segments.length === 0 ? `${v.text} in ${JSON_FILE}` : `/${v.segments.join('/')} ${v.text}`);
  }
  const facts: IparamFacts = { secure: new Set(), known: new Set() };
  if (!isObject(iparams)) return facts;
  for (const [key, field] of Object.entries(iparams)) {
    facts.known?.add(key);
    if (!isObject(field)) continue;
    if (field['secure'] === true) facts.secure.add(key);
    checkField(key, field, sink);
  }
  return facts;
}

function checkField(key: string, field: Record<string, unknown>, sink: FindingSink): void {
  const type = field['type'];
  const mandatory = ['display_name', 'type', ...(typeof type === 'string' && OPTION_TYPES.includes(type) ? ['options'] : [])];
  const missing = mandatory.filter((k) => field[k] === undefined);
  if (missing.length > 0) {
    sink.error(JSON_FILE, 'iparams-mandatory-keys', `The mandatory key(s), ${missing.join(', ')} , missing for the '${key}' field.`);
  }
  if (typeof type !== 'string') return;
  if (!(IPARAM_TYPES as readonly string[]).includes(type)) {
    sink.error(JSON_FILE, 'iparams-type', `Invalid type, ${type}, found in the '${key}' field.`);
    return;
  }
  if (PRODUCT_BOUND_TYPES.includes(type)) checkTypeAttributes(key, type, field['type_attributes'], sink);
  if (OPTION_TYPES.includes(type)) checkDefaultValue(key, type, field, sink);
}

function checkTypeAttributes(key: string, type: string, attributes: unknown, sink: FindingSink): void {
  if (!isObject(attributes)) {
    sink.error(JSON_FILE, 'iparams-type-attributes', `\`type_attributes\` must be specified for type ${type} in \`config/iparams.json\`.`);
    return;
  }
  const product = attributes['product'];
  if (typeof product !== 'string') {
    sink.error(JSON_FILE, 'iparams-type-attributes', `Mandatory key(s) \`product\` missing in \`type_attributes\` for ${key} in \`config/iparams.json\`.`);
  } else if (!/^[a-z_]+$/.test(product)) {
    sink.error(JSON_FILE, 'iparams-type-attributes', `Invalid product name format '${product}'. Use lowercase without space`);
  }
}

function checkDefaultValue(key: string, type: string, field: Record<string, unknown>, sink: FindingSink): void {
  const fallback = field['default_value'];
  if (fallback === undefined) {
    if (type === 'dropdown') {
      sink.error(JSON_FILE, 'iparams-default-value', `In the '${key}' field, specify the default value for the dropdown type.`);
    }
    return;
  }
  if (!Array.isArray(field['options'])) return;
  const values = (field['options'] as unknown[]).map((o) => (isObject(o) ? o['value'] : o));
  const chosen = type === 'multiselect' && Array.isArray(fallback) ? fallback : [fallback];
  // String-exact: the platform neither trims nor coerces ("1" is not 1).
  if (!chosen.every((c) => values.includes(c))) {
    sink.error(JSON_FILE, 'iparams-default-value', `The default value specified for the '${key}' ${type} type is not listed in the options.`);
  }
}

/**
 * Checks a custom installation page: its local scripts exist and parse, and together they
 * define getConfigs, postConfigs and validate (marketplace skills runtime/custom-iparams-docs.md,
 * errors/custom-iparams-errors.md). Secure fields are read from a literal `__meta: { secure: [...] }`.
 */
export function checkIparamsHtml(appDir: string, sink: FindingSink): IparamFacts {
  const configDir = path.join(appDir, 'config');
  const html = fs.readFileSync(path.join(configDir, 'iparams.html'), 'utf8');
  const defined = new Set<string>();
  const secure = new Set<string>();
  const jsFiles: string[] = [];
  for (const script of extractScripts(html)) {
    let source = script.inline;
    let file = HTML_FILE;
    let lineOffset = script.line - 1;
    if (script.src !== undefined) {
      if (isRemote(script.src)) continue;
      file = path.posix.join('config', script.src.replace(/[?#].*$/, '').replace(/^\.\//, ''));
      const abs = path.join(appDir, file);
      if (!fs.existsSync(abs)) {
        sink.error(HTML_FILE, 'iparams-html', `${file} is referenced by ${HTML_FILE} but does not exist`, script.line);
        continue;
      }
      jsFiles.push(file);
      source = fs.readFileSync(abs, 'utf8');
      lineOffset = 0;
    }
    const parsed = parseScript(source, script.module ? 'module' : 'script');
    if (!parsed.ok) {
      sink.error(file, 'parsing-error', `Parsing error: ${parsed.message}`, parsed.line + lineOffset);
      continue;
    }
    for (const name of topLevelFunctionNames(parsed.program.body)) defined.add(name);
    walkNodes(parsed.program, (node) => collectSecureNames(node, secure));
  }
  const missing = CUSTOM_PAGE_METHODS.filter((m) => !defined.has(m));
  if (missing.length > 0) {
    sink.error(HTML_FILE, 'iparams-html',
      `Mandatory method call(s) missing in ${[HTML_FILE, ...jsFiles].join('/')} for custom settings: ${missing.join(',')}`);
  }
  return { secure, known: undefined };
}

interface PageScript {
  src: string | undefined;
  inline: string;
  module: boolean;
  /** Line of the script's content in the HTML file. */
  line: number;
}

function extractScripts(html: string): PageScript[] {
  const scripts: PageScript[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = match[1] ?? '';
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1]?.toLowerCase();
    if (type !== undefined && !['module', 'text/javascript', 'application/javascript'].includes(type)) continue;
    const offset = (match.index ?? 0) + match[0].indexOf('>') + 1;
    scripts.push({
      src: /\bsrc\s*=\s*["']([^"']+)["']/i.exec(attrs)?.[1],
      inline: match[2] ?? '',
      module: type === 'module',
      line: html.slice(0, offset).split('\n').length,
    });
  }
  return scripts;
}

/** The app client placeholder and CDN scripts are not part of the app's package. */
function isRemote(src: string): boolean {
  return src.includes('{{') || /^(https?:)?\/\//i.test(src);
}

function topLevelFunctionNames(body: readonly Node[]): string[] {
  const names: string[] = [];
  const isFunction = (n: Node | null | undefined): boolean =>
    n?.type === 'FunctionExpression' || n?.type === 'ArrowFunctionExpression';
  for (const statement of body) {
    if (statement.type === 'FunctionDeclaration' && statement.id !== null) names.push(statement.id.name);
    if (statement.type === 'VariableDeclaration') {
      for (const d of statement.declarations) {
        if (d.id.type === 'Identifier' && isFunction(d.init)) names.push(d.id.name);
      }
    }
    if (statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression') {
      const { left, right } = statement.expression;
      if (!isFunction(right)) continue;
      if (left.type === 'Identifier') names.push(left.name);
      if (left.type === 'MemberExpression' && left.object.type === 'Identifier' && left.object.name === 'window') {
        const name = staticKeyName(left.property, left.computed);
        if (name !== undefined) names.push(name);
      }
    }
  }
  return names;
}

function collectSecureNames(node: Node, secure: Set<string>): void {
  if (node.type !== 'Property' || staticKeyName(node.key, node.computed) !== '__meta') return;
  if (node.value.type !== 'ObjectExpression') return;
  for (const prop of node.value.properties) {
    if (prop.type !== 'Property' || staticKeyName(prop.key, prop.computed) !== 'secure') continue;
    if (prop.value.type !== 'ArrayExpression') continue;
    for (const el of prop.value.elements) {
      if (el?.type === 'Literal' && typeof el.value === 'string') secure.add(el.value);
    }
  }
}
