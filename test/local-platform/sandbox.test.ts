/**
 * Rule 1 — the sandbox. Sources: architecture/serverless_offerings_doc.md ("usage of process,
 * buffer, clearImmediate, clearInterval, clearTimeout, setImmediate, setInterval and setTimeout
 * ... is not supported"), SPEC §5/§6 (globals, server/lib helpers, manifest "dependencies").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { LocalPlatform } from '../../tools/local-platform';
import { manifestWith, removeApps, writeApp } from './helpers';

afterEach(removeApps);

const PROBE = `
  function probe() {
    return {
      process: typeof process, Buffer: typeof Buffer, setTimeout: typeof setTimeout,
      setInterval: typeof setInterval, setImmediate: typeof setImmediate,
      clearTimeout: typeof clearTimeout, clearInterval: typeof clearInterval, clearImmediate: typeof clearImmediate,
    };
  }`;
const ABSENT = {
  process: 'undefined', Buffer: 'undefined', setTimeout: 'undefined', setInterval: 'undefined', setImmediate: 'undefined',
  clearTimeout: 'undefined', clearInterval: 'undefined', clearImmediate: 'undefined',
};

function load(server: string, files: Record<string, string> = {}, manifest = manifestWith({ product: ['onTicketCreate'] })) {
  return LocalPlatform.load({ appDir: writeApp({ server, files, manifest }), iparams: {} });
}

describe('local platform sandbox', () => {
  it('exposes exactly the platform globals besides the ECMAScript built-ins', async () => {
    const platform = await load(`exports = { onTicketCreateHandler: function () { return Object.getOwnPropertyNames(globalThis); } };`);
    const builtins = new Set(vm.runInContext('Object.getOwnPropertyNames(globalThis)', vm.createContext({})) as string[]);
    // V8 gives every context a `console` that prints nowhere; the platform's replaces it.
    builtins.delete('console');
    const result = await platform.trigger('onTicketCreate', {});
    const extra = (result.value as string[]).filter((name) => !builtins.has(name)).sort();
    expect(extra).toEqual(['$db', '$request', '$schedule', 'console', 'exports', 'generateTargetUrl', 'renderData', 'require']);
  });

  it('has no process, Buffer or timers in server.js nor in server/lib files', async () => {
    const platform = await load(
      `${PROBE}
      const lib = require('./lib/probe');
      exports = { onTicketCreateHandler: function () { return { server: probe(), lib: lib.probe() }; } };`,
      { 'server/lib/probe.js': `${PROBE}\nexports.probe = probe;` },
    );
    const result = await platform.trigger('onTicketCreate', {});
    expect(result.value).toEqual({ server: ABSENT, lib: ABSENT });
  });

  it('loads relative server/lib files inside the same context, caching each module once', async () => {
    const platform = await load(
      `const a = require('./lib/a'); const again = require('./lib/a.js'); const data = require('./lib/data.json');
       exports = { onTicketCreateHandler: function () {
         return { sameRealm: a.makeArray() instanceof Array, cached: a === again, nested: a.fromB, json: data.x };
       } };`,
      {
        'server/lib/a.js': `const b = require('./b'); exports.makeArray = function () { return []; }; exports.fromB = b.value;`,
        'server/lib/b.js': `module.exports = { value: 'b' };`,
        'server/lib/data.json': '{"x": 1}',
      },
    );
    expect((await platform.trigger('onTicketCreate', {})).value).toEqual({ sameRealm: true, cached: true, nested: 'b', json: 1 });
  });

  it('loads an npm package only when manifest.json declares it under dependencies', async () => {
    const server = `exports = { onTicketCreateHandler: function () { return require('fake-pkg/sub').name; } };`;
    const files = { 'node_modules/fake-pkg/sub.js': `module.exports = { name: 'fake-pkg' };` };
    const declared = await load(server, files, manifestWith({ product: ['onTicketCreate'], dependencies: { 'fake-pkg': '1.0.0' } }));
    expect((await declared.trigger('onTicketCreate', {})).value).toBe('fake-pkg');

    const undeclared = await load(server, files);
    const result = await undeclared.trigger('onTicketCreate', {});
    expect(result.ok).toBe(false);
    expect(result.error?.message).toBe("Cannot find module 'fake-pkg/sub'");
  });

  it.each([
    ['a Node built-in', 'fs'],
    ['a node: built-in', 'node:child_process'],
    ['a file outside server/', '../manifest.json'],
    ['a missing lib file', './lib/missing'],
  ])('refuses to require %s with "Cannot find module"', async (_what, spec) => {
    const platform = await load(`exports = { onTicketCreateHandler: function () {
      try { require(${JSON.stringify(spec)}); return 'loaded'; } catch (e) { return { message: e.message, code: e.code, sandboxError: e instanceof Error }; }
    } };`);
    expect((await platform.trigger('onTicketCreate', {})).value).toEqual({ message: `Cannot find module '${spec}'`, code: 'MODULE_NOT_FOUND', sandboxError: true });
  });

  it('captures console output into logs with level, handler and clock time', async () => {
    const seen: string[] = [];
    const platform = await LocalPlatform.load({
      appDir: writeApp({ server: `exports = { onTicketCreateHandler: function (args) { console.log('ticket %d', args.data.id); console.error('bad', { a: 1 }); } };` }),
      iparams: {},
      onLog: (line) => seen.push(line.message),
    });
    const result = await platform.trigger('onTicketCreate', { id: 7 });
    expect(platform.logs).toEqual([
      { level: 'log', message: 'ticket 7', at: Date.UTC(2026, 10, 2), handler: 'onTicketCreateHandler', invocationId: result.invocationId },
      { level: 'error', message: 'bad { a: 1 }', at: Date.UTC(2026, 10, 2), handler: 'onTicketCreateHandler', invocationId: result.invocationId },
    ]);
    expect(seen).toEqual(['ticket 7', 'bad { a: 1 }']);
  });

  it('starts every invocation in a fresh context, so module state does not survive', async () => {
    const platform = await load(`let calls = 0; exports = { onTicketCreateHandler: function () { calls += 1; return calls; } };`);
    expect((await platform.trigger('onTicketCreate', {})).value).toBe(1);
    expect((await platform.trigger('onTicketCreate', {})).value).toBe(1);
  });

  it('refuses to load an app whose server.js lacks a manifest handler', async () => {
    await expect(load(`exports = { other: function () {} };`)).rejects.toThrow(
      'local platform: server/server.js does not export handler(s) named in manifest.json: onTicketCreateHandler',
    );
  });

  it('refuses to load an app whose server.js does not assign an object to exports', async () => {
    await expect(load(`exports = 5;`)).rejects.toThrow('local platform: server/server.js must assign an object literal to `exports`');
  });

  it('tells to build first when server/server.js is missing', async () => {
    const dir = writeApp({ server: '' });
    await expect(LocalPlatform.load({ appDir: path.join(dir, 'nope'), iparams: {} })).rejects.toThrow('manifest.json is missing or not an object');
    const noServer = writeApp({ server: '', files: {} });
    fs.rmSync(path.join(noServer, 'server', 'server.js'));
    await expect(LocalPlatform.load({ appDir: noServer, iparams: {} })).rejects.toThrow('does not exist; build the app first (npm run build)');
  });

  it('reports invalid JSON in the app config', async () => {
    const dir = writeApp({ server: 'exports = {};', files: { 'config/requests.json': '{nope' } });
    await expect(LocalPlatform.load({ appDir: dir, iparams: {} })).rejects.toThrow(/config\/requests.json is not valid JSON/);
  });
});
