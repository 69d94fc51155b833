import * as fs from 'node:fs';
import * as path from 'node:path';
import { flatName, generateServerJs, rewriteRequires } from '../tools/build/build';
import { manifestHandlerNames } from '../tools/build/manifest-handlers';

const root = path.resolve(__dirname, '..');

describe('build', () => {
  it('names every manifest handler in the literal exports of the built server.js', () => {
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
    const serverJs = fs.readFileSync(path.join(root, 'server', 'server.js'), 'utf8');
    const names = manifestHandlerNames(manifest);
    expect(names).toEqual(expect.arrayContaining(['onTicketCreateHandler', 'onConversationCreateHandler', 'onTicketUpdateHandler', 'onAppInstallHandler', 'onAppUninstallHandler', 'onScheduledEventHandler']));
    expect(serverJs).toMatch(/^exports = \{$/m);
    for (const name of names) expect(serverJs).toContain(`  ${name}: function (args) {`);
  });

  it('flattens nested compiled paths into server/lib file names', () => {
    expect(flatName('core/queue-names.js')).toBe('core-queue-names.js');
  });

  it('rewrites relative requires to the flat names and refuses unknown targets', () => {
    const known = new Set(['core/rules.js', 'platform/handlers.js', 'delivery/index.js']);
    expect(rewriteRequires('const a = require("../core/rules");', 'platform/handlers.js', known)).toBe('const a = require("./core-rules");');
    expect(rewriteRequires('const d = require("../delivery");', 'platform/handlers.js', known)).toBe('const d = require("./delivery-index");');
    expect(rewriteRequires('const x = require("ajv");', 'platform/handlers.js', known)).toBe('const x = require("ajv");');
    expect(() => rewriteRequires('require("./missing")', 'platform/handlers.js', known)).toThrow('which was not compiled');
  });

  it('generates a server.js that only reaches platform globals through platform()', () => {
    const js = generateServerJs(['a']);
    expect(js).toContain('return app.handlers.a(args, platform());');
    expect(js.match(/\$request|\$db|\$schedule/g)).toHaveLength(3);
  });
});
