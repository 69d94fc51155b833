import { editJson, readJson, removeFile, validateBroken, writeFile } from './app-copy';

const SERVER = 'server/server.js';

describe('manifest handlers against server/server.js', () => {
  it('reports an event handler that server.js does not export', async () => {
    const report = await validateBroken((dir) => editJson(dir, 'manifest.json', (m) => {
      m['modules']['support_ticket']['events']['onTicketDelete'] = { handler: 'onTicketDeleteHandler' };
    }));
    expect(report.errors).toContainEqual({
      file: SERVER, rule: 'server-exports',
      message: "'onTicketDeleteHandler', the handler of event 'onTicketDelete' in module 'support_ticket' of manifest.json, is not exported by server/server.js",
    });
  });

  it('reports an SMI function that server.js does not export', async () => {
    const report = await validateBroken((dir) => editJson(dir, 'manifest.json', (m) => {
      m['modules']['common']['functions'] = { ...(m['modules']['common']['functions'] ?? {}), resetBacklog: { timeout: 20 } };
    }));
    expect(report.errors).toContainEqual({
      file: SERVER, rule: 'server-exports', message: "'resetBacklog', SMI function 'resetBacklog' of manifest.json, is not exported by server/server.js",
    });
  });

  it('finds handlers written as methods or quoted keys', async () => {
    const report = await validateBroken((dir) => {
      writeFile(dir, SERVER, "exports = {\n  onAppInstallHandler() { renderData(); },\n  'onTicketCreateHandler': function () { return 1; }\n};\n");
      editJson(dir, 'manifest.json', (m) => {
        m['modules']['common']['events'] = { onAppInstall: { handler: 'onAppInstallHandler' } };
        delete m['modules']['common']['functions'];
        m['modules']['support_ticket']['events'] = { onTicketCreate: { handler: 'onTicketCreateHandler' } };
        delete m['modules']['support_agent'];
      });
    });
    expect(report.errors.filter((f) => f.rule === 'server-exports')).toEqual([]);
  });

  it('requires server.js when the manifest names handlers', async () => {
    const report = await validateBroken((dir) => removeFile(dir, SERVER));
    expect(report.errors).toContainEqual({ file: SERVER, rule: 'server-exports', message: 'Mandatory file(s) missing: server/server.js (run npm run build)' });
  });

  it('requires a literal top-level exports object', async () => {
    const report = await validateBroken((dir) => writeFile(dir, SERVER, 'const handlers = {};\nexports = handlers;\n'));
    expect(report.errors).toContainEqual({
      file: SERVER, rule: 'server-exports',
      message: 'server/server.js must assign a literal object to exports at the top level: exports = { handlerName: function (args) { … } }',
    });
  });

  it('reports a server.js that does not parse, with its line', async () => {
    const report = await validateBroken((dir) => writeFile(dir, SERVER, 'exports = {\n  a: function (,) {}\n};\n'));
    expect(report.errors).toContainEqual({
      file: SERVER, rule: 'server-exports', line: 2, message: 'Error while parsing file containing serverless functions: Unexpected token ,',
    });
  });
});

describe('request templates across manifest, requests.json and code', () => {
  it('reports a template invoked in server code but not declared in the manifest, with its line', async () => {
    const report = await validateBroken((dir) => writeFile(dir, 'server/lib/extra.js',
      "'use strict';\nexports.run = function (request) {\n  return request.invokeTemplate('sendToNowhere', {});\n};\n"));
    expect(report.errors).toContainEqual({
      file: 'server/lib/extra.js', line: 3, rule: 'request-templates', message: "Request template 'sendToNowhere' is not defined in manifest.json",
    });
  });

  it('reports a template invoked from the frontend that is declared but not defined', async () => {
    const report = await validateBroken((dir) => {
      editJson(dir, 'manifest.json', (m) => { m['modules']['common']['requests']['fetchStatus'] = {}; });
      writeFile(dir, 'app/scripts/app.js', 'client.request.invokeTemplate("fetchStatus", {});\n');
    });
    expect(report.errors).toContainEqual({
      file: 'app/scripts/app.js', line: 1, rule: 'request-templates', message: "Request template 'fetchStatus' is not defined in config/requests.json",
    });
    expect(report.errors).toContainEqual({
      file: 'manifest.json', rule: 'request-templates', message: "Request template 'fetchStatus' is not defined in config/requests.json",
    });
  });

  it('warns about a template defined in requests.json but not declared in the manifest', async () => {
    let name = '';
    const report = await validateBroken((dir) => editJson(dir, 'manifest.json', (m) => {
      const requests = m['modules']['common']['requests'] as Record<string, unknown>;
      name = Object.keys(requests)[0] ?? '';
      delete requests[name];
    }));
    expect(report.warnings).toContainEqual({
      file: 'config/requests.json', rule: 'request-templates', message: `request template '${name}' is declared but not associated with any product`,
    });
  });

  it('accepts every literal invocation in the real app', async () => {
    const report = await validateBroken(() => undefined);
    expect(report.errors.filter((f) => f.rule === 'request-templates')).toEqual([]);
  });
});

describe('location files', () => {
  it('reports a missing icon', async () => {
    let icon = '';
    const report = await validateBroken((dir) => {
      icon = readJson(dir, 'manifest.json')['modules']['common']['location']['full_page_app']['icon'] as string;
      removeFile(dir, `app/${icon}`);
    });
    expect(report.errors).toContainEqual({
      file: 'manifest.json', rule: 'locations', message: `icon.svg not found: the icon of location 'full_page_app' must be app/${icon}`,
    });
  });

  it('reports a missing page', async () => {
    const report = await validateBroken((dir) => editJson(dir, 'manifest.json', (m) => {
      m['modules']['common']['location']['full_page_app']['url'] = 'status.html';
    }));
    expect(report.errors).toContainEqual({
      file: 'manifest.json', rule: 'locations', message: "status.html not found: the url of location 'full_page_app' must be app/status.html",
    });
  });

  it('requires the app folder when a location is declared', async () => {
    const report = await validateBroken((dir) => removeFile(dir, 'app'));
    expect(report.errors).toContainEqual({ file: 'app', rule: 'locations', message: 'Mandatory folder(s) missing: app' });
  });
});
