/**
 * Runs the built serverless app in a `node:vm` context shaped like the platform's sandbox
 * (architecture/serverless_offerings_doc.md: no `process`, `Buffer`, timers): the only
 * globals besides the ECMAScript built-ins are the ones the caller passes in plus `exports`
 * and `require`. `require` loads the app's own files under server/ inside the same context,
 * npm packages only when manifest.json lists them under "dependencies" (loaded by the host,
 * as the FDK installs them), and nothing else.
 *
 * Every invocation gets a fresh context by default: an app that caches in module state must not
 * rely on it, and this makes such reliance fail. `rebind` lets the local platform reuse a loaded
 * context for a warm start when asked to (LocalPlatformOptions.warmStart, the fault simulator).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

export interface SandboxInstance {
  /** What server.js assigned to `exports`. */
  exports: Record<string, unknown>;
  /** Copies a JSON value into the sandbox's realm, so app code sees its own Object/Array. */
  clone<T>(value: T): T;
  /**
   * Replaces the platform globals of this context (a warm start: the same loaded modules serve
   * another invocation, as a serverless platform reuses a warm container).
   */
  rebind(globals: Record<string, unknown>): void;
}

/** Replaces the context's Date with one whose "now" is the given clock; explicit dates work as usual. */
const CLOCK_DATE = `(function (now) {
  const SystemDate = Date;
  class ClockDate extends SystemDate {
    constructor(...args) { if (args.length === 0) super(now()); else super(...args); }
    static now() { return now(); }
  }
  globalThis.Date = ClockDate;
})`;

const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

export class AppSandbox {
  private readonly scripts = new Map<string, vm.Script>();
  private readonly hostRequire: NodeRequire;
  private readonly serverFile: string;

  constructor(
    private readonly serverDir: string,
    private readonly dependencies: ReadonlySet<string>,
    inProcess = false,
  ) {
    this.serverFile = path.join(serverDir, 'server.js');
    if (!inProcess && !fs.existsSync(this.serverFile)) {
      throw new Error(`local platform: ${this.serverFile} does not exist; build the app first (npm run build)`);
    }
    this.hostRequire = createRequire(this.serverFile);
  }

  private script(file: string, wrap: boolean): vm.Script {
    let script = this.scripts.get(file);
    if (!script) {
      const source = fs.readFileSync(file, 'utf8');
      script = new vm.Script(wrap ? `${WRAPPER_HEAD}${source}\n})` : source, { filename: file });
      this.scripts.set(file, script);
    }
    return script;
  }

  /** server/ files only: a relative require may not climb out of the app's server folder. */
  private resolveLocal(candidate: string): string | undefined {
    const rel = path.relative(this.serverDir, candidate);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return [candidate, `${candidate}.js`, `${candidate}.json`, path.join(candidate, 'index.js')].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
  }

  /**
   * `now` is the platform's clock: the sandbox's `Date` reads it, so simulated time is the
   * app's real time (the platform's own Date is the wall clock).
   */
  instantiate(globals: Record<string, unknown>, now: () => number = Date.now): SandboxInstance {
    const context = vm.createContext({ ...globals, exports: {} });
    (vm.runInContext(CLOCK_DATE, context) as (n: () => number) => void)(now);
    const SandboxJSON = vm.runInContext('JSON', context) as JSON;
    const SandboxError = vm.runInContext('Error', context) as ErrorConstructor;
    const modules = new Map<string, { exports: unknown }>();

    const notFound = (spec: string): Error => Object.assign(new SandboxError(`Cannot find module '${spec}'`), { code: 'MODULE_NOT_FOUND' });

    const makeRequire = (fromDir: string) => (spec: unknown): unknown => {
      if (typeof spec !== 'string') throw notFound(String(spec));
      if (spec.startsWith('./') || spec.startsWith('../')) {
        const file = this.resolveLocal(path.resolve(fromDir, spec));
        if (!file) throw notFound(spec);
        const cached = modules.get(file);
        if (cached) return cached.exports;
        const mod = SandboxJSON.parse('{"exports":{}}') as { exports: unknown };
        modules.set(file, mod);
        if (file.endsWith('.json')) {
          mod.exports = SandboxJSON.parse(fs.readFileSync(file, 'utf8'));
        } else {
          const fn = this.script(file, true).runInContext(context) as (...a: unknown[]) => void;
          fn.call(mod.exports, mod.exports, makeRequire(path.dirname(file)), mod, file, path.dirname(file));
        }
        return mod.exports;
      }
      if (this.dependencies.has(packageName(spec))) return this.hostRequire(spec);
      throw notFound(spec);
    };

    context.require = makeRequire(this.serverDir);
    this.script(this.serverFile, false).runInContext(context);
    const exported: unknown = context.exports;
    if (exported === null || typeof exported !== 'object') {
      throw new Error('local platform: server/server.js must assign an object literal to `exports`');
    }
    return {
      exports: exported as Record<string, unknown>,
      clone: <T>(value: T): T => (value === undefined ? value : (SandboxJSON.parse(JSON.stringify(value)) as T)),
      rebind: (next) => {
        Object.assign(context, next);
      },
    };
  }
}
