import { editJson, removeFile, validateBroken, writeFile, type JsonObject } from './app-copy';

const FILE = 'manifest.json';

describe('manifest.json checks', () => {
  it('requires platform-version 3.0', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => { m['platform-version'] = '2.3'; }));
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest-schema', message: '/platform-version must be equal to constant: "3.0"' });
  });

  it('requires the engines block', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => { delete m['engines']; }));
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest-schema', message: "must have required property 'engines' in manifest.json" });
  });

  it('requires engines.fdk and rejects a node engine that is not a version', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => { m['engines'] = { node: 'latest' }; }));
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest-schema', message: "/engines must have required property 'fdk'" });
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest-schema', message: '/engines/node must match pattern "^\\d+\\.\\d+\\.\\d+$"' });
  });

  it('requires dependencies to be pinned to an exact version', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => { m['dependencies'] = { ajv: '^8.0.0' }; }));
    expect(report.errors).toContainEqual({
      file: FILE, rule: 'manifest-schema', message: '/dependencies/ajv must match pattern "^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$"',
    });
  });

  it.each([
    ['product', { freshdesk: {} }, "'product' is a Platform 2.x key; a Platform 3.0 manifest declares 'modules' instead"],
    ['whitelisted-domains', ['https://x.example.com'], 'whitelisted-domains is deprecated; call external hosts through request templates'],
    ['name', 'injixo', "'name' is not a manifest key; the app's name is set when it is published"],
  ])('rejects the legacy top-level key %s', async (key, value, message) => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => { m[key] = value; }));
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest-legacy-key', message });
  });

  it('rejects any other unknown top-level key with the schema wording', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => { m['version'] = '1.0'; }));
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest-schema', message: "must NOT have additional properties 'version' in manifest.json" });
  });

  it.each([
    ['events', (m: JsonObject) => { m['modules']['support_ticket']['events'] = {}; }, '/modules/support_ticket/events'],
    ['requests', (m: JsonObject) => { m['modules']['common']['requests'] = {}; }, '/modules/common/requests'],
    ['functions', (m: JsonObject) => { m['modules']['common']['functions'] = {}; }, '/modules/common/functions'],
    ['location', (m: JsonObject) => { m['modules']['common']['location'] = {}; }, '/modules/common/location'],
  ])('rejects an empty %s object', async (_what, edit, pointer) => {
    const report = await validateBroken((dir) => editJson(dir, FILE, edit));
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest-schema', message: `${pointer} must NOT have fewer than 1 properties` });
  });

  it('requires a handler for every event', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => {
      m['modules']['support_ticket']['events']['onTicketCreate'] = {};
    }));
    expect(report.errors).toContainEqual({
      file: FILE, rule: 'manifest-schema', message: "/modules/support_ticket/events/onTicketCreate must have required property 'handler'",
    });
  });

  it('rejects an SMI function timeout above 30 seconds', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => {
      m['modules']['common']['functions'] = { getStatus: { timeout: 40 } };
    }));
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest-schema', message: '/modules/common/functions/getStatus/timeout must be <= 30' });
  });

  it('rejects request templates declared outside modules.common', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => {
      m['modules']['support_ticket']['requests'] = { injixoPostContacts: {} };
    }));
    expect(report.errors).toContainEqual({
      file: FILE, rule: 'manifest-schema', message: "/modules/support_ticket must NOT have additional properties 'requests'",
    });
  });

  it('rejects a module name the platform does not know', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => { m['modules']['tickets'] = {}; }));
    expect(report.errors).toContainEqual(expect.objectContaining({
      file: FILE, rule: 'manifest-schema', message: expect.stringMatching(/^\/modules has an invalid key 'tickets': must be equal to one of the allowed values: common, support_email/),
    }));
  });

  it('requires a product module besides common', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => { m['modules'] = { common: m['modules']['common'] }; }));
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest-modules', message: 'At least one module apart from common must be mentioned' });
  });

  it('rejects an event that the module does not raise', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => {
      m['modules']['common']['events']['onScheduledSync'] = { handler: 'onScheduledSyncHandler' };
    }));
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest-events', message: "Invalid event: 'onScheduledSync' for module: common" });
  });

  it('accepts the time-entry events in support_ticket and the availability events in support_agent', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => {
      m['modules']['support_ticket']['events'] = {
        onTimeEntryCreate: { handler: 'onTicketCreateHandler' },
        onTimeEntryUpdate: { handler: 'onTicketCreateHandler' },
        onTimeEntryDelete: { handler: 'onTicketCreateHandler' },
      };
      m['modules']['support_agent'] = {
        events: {
          onAgentUpdate: { handler: 'onTicketCreateHandler' },
          onAgentAvailabilityUpdate: { handler: 'onTicketCreateHandler' },
        },
      };
    }));
    expect(report.errors).toEqual([]);
  });

  it.each([
    ['support_agent', 'onAgentLogin'],
    ['support_agent', 'onTicketCreate'],
    ['support_ticket', 'onAgentUpdate'],
    ['support_contact', 'onCompanyCreate'],
    ['support_email', 'onTicketCreate'],
  ])('rejects an event that the Freshdesk module %s does not raise: %s', async (moduleName, event) => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => {
      m['modules'][moduleName] = { ...(m['modules'][moduleName] ?? {}), events: { [event]: { handler: 'onTicketCreateHandler' } } };
    }));
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest-events', message: `Invalid event: '${event}' for module: ${moduleName}` });
  });

  it('rejects a product placeholder in the common module', async () => {
    const report = await validateBroken((dir) => editJson(dir, FILE, (m) => {
      m['modules']['common']['location']['ticket_sidebar'] = { url: 'index.html', icon: 'styles/images/icon.svg' };
    }));
    expect(report.errors).toContainEqual({
      file: FILE, rule: 'manifest-locations', message: 'Invalid location(s) mentioned in modules: ticket_sidebar cannot be in common',
    });
  });

  it('reports a manifest that is not valid JSON', async () => {
    const report = await validateBroken((dir) => writeFile(dir, FILE, '{ "platform-version": "3.0", }'));
    expect(report.errors).toContainEqual(expect.objectContaining({
      file: FILE, rule: 'json-syntax', message: expect.stringMatching(/^manifest\.json is not valid JSON: /),
    }));
  });

  it('reports a missing manifest', async () => {
    const report = await validateBroken((dir) => removeFile(dir, FILE));
    expect(report.errors).toContainEqual({ file: FILE, rule: 'manifest', message: 'Mandatory file(s) missing: manifest.json' });
  });
});
