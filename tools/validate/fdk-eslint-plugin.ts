import type { ESLint, Rule } from 'eslint';
import type { CallExpression, Expression, Node, Super } from 'estree';

/** Globals whose methods return promises in the serverless sandbox (SPEC §5). */
const PLATFORM_GLOBALS = new Set(['$request', '$db', '$schedule']);
/** `client.<service>` interfaces of the frontend SDK that return promises. */
const CLIENT_SERVICES = new Set(['request', 'db']);
const HANDLING_METHODS = new Set(['then', 'catch']);

type ParentedNode = Node & { parent?: ParentedNode };

function memberName(node: Node): string | undefined {
  if (node.type !== 'MemberExpression') return undefined;
  if (node.property.type === 'Identifier' && !node.computed) return node.property.name;
  if (node.property.type === 'Literal' && typeof node.property.value === 'string') return node.property.value;
  return undefined;
}

/** True when the call is `$db.x(...)`, `$request.x(...)`, `client.request.x(...)`, … at any depth. */
function isPlatformCall(call: CallExpression): boolean {
  const callee = call.callee;
  if (callee.type !== 'MemberExpression') return false;
  const method = memberName(callee);
  if (method !== undefined && (HANDLING_METHODS.has(method) || method === 'finally')) return false;
  let node: Expression | Super = callee.object;
  for (;;) {
    if (node.type === 'MemberExpression') {
      if (node.object.type === 'Identifier' && node.object.name === 'client' && CLIENT_SERVICES.has(memberName(node) ?? '')) return true;
      node = node.object;
    } else if (node.type === 'CallExpression') {
      node = node.callee;
    } else if (node.type === 'ChainExpression') {
      node = node.expression;
    } else {
      return node.type === 'Identifier' && PLATFORM_GLOBALS.has(node.name);
    }
  }
}

/** Where a value goes next: thrown away, used, or on to an enclosing node that decides. */
type Fate = 'discarded' | 'used' | ParentedNode;

function fateIn(parent: ParentedNode, current: ParentedNode): Fate {
  if (parent.type === 'ExpressionStatement') return 'discarded';
  if (parent.type === 'ChainExpression') return parent;
  if (parent.type === 'UnaryExpression') return parent.operator === 'void' ? parent : 'used';
  if (parent.type === 'SequenceExpression') {
    return parent.expressions[parent.expressions.length - 1] === current ? parent : 'discarded';
  }
  if (parent.type === 'LogicalExpression') return parent.right === current ? parent : 'used';
  if (parent.type === 'ConditionalExpression') return parent.test === current ? 'used' : parent;
  if (parent.type === 'MemberExpression') {
    // `.finally()` passes a rejection through, so its result must be handled in turn.
    const call = parent.parent;
    return memberName(parent) === 'finally' && call?.type === 'CallExpression' && call.callee === parent ? call : 'used';
  }
  // Awaited, returned, assigned, passed as an argument, or chained with .then/.catch.
  return 'used';
}

/** Follows the value of `start` upwards; true when it ends up thrown away by an expression statement. */
function isDiscarded(start: ParentedNode): boolean {
  let current = start;
  while (current.parent !== undefined) {
    const fate = fateIn(current.parent, current);
    if (fate === 'discarded') return true;
    if (fate === 'used') return false;
    current = fate;
  }
  return false;
}

const noUnhandledPromise: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Platform calls return promises that must be awaited, returned, chained or assigned' },
    messages: {
      unhandled: "The promise returned by '{{call}}' is not handled: await it, return it, or chain .then()/.catch().",
    },
    schema: [],
  },
  create(context) {
    return {
      CallExpression(node) {
        if (!isPlatformCall(node) || !isDiscarded(node as ParentedNode)) return;
        context.report({ node, messageId: 'unhandled', data: { call: context.sourceCode.getText(node.callee) } });
      },
    };
  },
};

/** `lodash/fp` → `lodash`, `@scope/pkg/x` → `@scope/pkg`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** The npm package a `require('x')` call loads; undefined for anything else (relative paths too). */
export function requiredPackage(node: Node): string | undefined {
  if (node.type !== 'CallExpression') return undefined;
  const [first] = node.arguments;
  if (node.callee.type !== 'Identifier' || node.callee.name !== 'require' || first?.type !== 'Literal') return undefined;
  const specifier = first.value;
  if (typeof specifier !== 'string' || specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  return packageName(specifier);
}

const noDependencyMismatch: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: { description: 'Every package the server code requires must be declared in manifest.json dependencies' },
    messages: {
      undeclared: "'{{name}}' is required but not declared in manifest.json dependencies.",
    },
    schema: [
      {
        type: 'object',
        properties: { dependencies: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const declared = new Set((context.options[0] as { dependencies?: string[] } | undefined)?.dependencies ?? []);
    // The FDK lints server code as CommonJS scripts, so `require` is the only way in.
    return {
      CallExpression(node) {
        const name = requiredPackage(node);
        if (name !== undefined && !declared.has(name)) context.report({ node, messageId: 'undeclared', data: { name } });
      },
    };
  },
};

/** The FDK's own lint rules (SPEC §5: `no-unhandled-promise`, `no-dependency-mismatch`). */
export const fdkPlugin: ESLint.Plugin = {
  meta: { name: 'fdk' },
  rules: { 'no-unhandled-promise': noUnhandledPromise, 'no-dependency-mismatch': noDependencyMismatch },
};
