/**
 * Every call of `log(level, code, …)` in a set of files, with the codes and levels its arguments
 * can take, read from the TypeScript checker rather than from text: a literal gives its code,
 * `failure.code` gives every FailureCode, an alias of the import is still found.
 * test/platform/log-codes.test.ts compares what this finds in src/ with src/platform/log-codes.ts.
 */
import * as path from 'node:path';
import * as ts from 'typescript';

export interface LogCall {
  /** Relative to `root`, with forward slashes, and the 1-based line. */
  where: string;
  /** The codes the second argument can hold; empty when its type is not string literals. */
  codes: string[];
  levels: string[];
  /** The second argument's type when it is not made of string literals (`string`, say). */
  wide?: string;
}

export interface FindLogCallsOptions {
  root: string;
  files: readonly string[];
  /** The module that declares `log` (src/platform/log.ts). */
  logModule: string;
}

export function findLogCalls(options: FindLogCallsOptions): LogCall[] {
  // Types only: the checker answers what it is asked, whatever else fails to resolve.
  const program = ts.createProgram([...options.files], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  });
  const checker = program.getTypeChecker();
  const logModule = path.resolve(options.logModule);
  const calls: LogCall[] = [];
  for (const file of options.files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`find-log-calls: ${file} is not in the program`);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && callsLog(checker, node, logModule)) calls.push(describeCall(checker, node, source, options.root));
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return calls;
}

function callsLog(checker: ts.TypeChecker, call: ts.CallExpression, logModule: string): boolean {
  const declaration = checker.getResolvedSignature(call)?.getDeclaration();
  if (declaration === undefined || !ts.isFunctionDeclaration(declaration) || declaration.name?.text !== 'log') return false;
  return path.resolve(declaration.getSourceFile().fileName) === logModule;
}

function describeCall(checker: ts.TypeChecker, call: ts.CallExpression, source: ts.SourceFile, root: string): LogCall {
  const [levelArg, codeArg] = call.arguments;
  const { line } = source.getLineAndCharacterOfPosition(call.getStart(source));
  const where = `${path.relative(root, source.fileName).split(path.sep).join('/')}:${line + 1}`;
  const levels = levelArg ? literalsOf(checker.getTypeAtLocation(levelArg)) ?? [] : [];
  const codeType = codeArg ? checker.getTypeAtLocation(codeArg) : undefined;
  const codes = codeType ? literalsOf(codeType) : undefined;
  if (codes !== undefined) return { where, codes, levels };
  return { where, codes: [], levels, wide: codeType ? checker.typeToString(codeType) : 'nothing' };
}

/** The values of a string literal type or a union of them; undefined for anything else. */
function literalsOf(type: ts.Type): string[] | undefined {
  const parts = type.isUnion() ? type.types : [type];
  const values = parts.map((part) => (part.isStringLiteral() ? part.value : undefined));
  return values.every((value): value is string => value !== undefined) ? values.sort() : undefined;
}
