import { editJson, useIparamsJson, validateBroken, writeFile, type JsonObject } from './app-copy';

const FILE = 'config/requests.json';

/** Edits the first template of the copy's requests.json and returns its name through `edit`. */
function editFirstTemplate(dir: string, edit: (name: string, template: JsonObject) => void): void {
  editJson(dir, FILE, (requests) => {
    const name = Object.keys(requests)[0] ?? '';
    edit(name, requests[name]);
  });
}

async function findingsForTemplate(edit: (template: JsonObject) => void): Promise<{ name: string; messages: string[] }> {
  let name = '';
  const report = await validateBroken((dir) => {
    useIparamsJson(dir);
    editFirstTemplate(dir, (n, t) => { name = n; edit(t); });
  });
  return { name, messages: report.errors.filter((f) => f.file === FILE).map((f) => `${f.rule}: ${f.message}`) };
}

describe('config/requests.json checks', () => {
  it('rejects a body in the template schema', async () => {
    const { name, messages } = await findingsForTemplate((t) => { t['schema']['body'] = '{}'; });
    expect(messages).toEqual([`requests-schema: Request template '${name}' schema must NOT have additional properties 'body'`]);
  });

  it('requires method and host', async () => {
    const { name, messages } = await findingsForTemplate((t) => { t['schema'] = { protocol: 'https' }; });
    expect(messages).toEqual([
      `requests-schema: Request template '${name}' schema must have required property 'method'`,
      `requests-schema: Request template '${name}' schema must have required property 'host'`,
    ]);
  });

  it.each([
    ['no path (the docs default it to /)', (t: JsonObject) => { delete t['schema']['path']; }],
    ['every documented option at its bounds', (t: JsonObject) => { t['options'] = { maxAttempts: 5, retryDelay: 1500 }; }],
    ['the smallest documented options', (t: JsonObject) => { t['options'] = { maxAttempts: 1, retryDelay: 0 }; }],
    ['an OAuth template option', (t: JsonObject) => { t['options'] = { oauth: 'github' }; }],
    ['a query without headers', (t: JsonObject) => { delete t['schema']['headers']; t['schema']['query'] = { page: '<%= context.page %>' }; }],
  ])('accepts %s', async (_what, edit) => {
    const { messages } = await findingsForTemplate(edit);
    expect(messages).toEqual([]);
  });

  it.each([
    ['protocol ftp', (t: JsonObject) => { t['schema']['protocol'] = 'ftp'; }, 'schema/protocol must be equal to one of the allowed values: http, https'],
    ['method FETCH', (t: JsonObject) => { t['schema']['method'] = 'FETCH'; }, 'schema/method must be equal to one of the allowed values: GET, POST, PUT, PATCH, DELETE'],
    ['a numeric header', (t: JsonObject) => { t['schema']['headers'] = { 'X-Count': 3 }; }, 'schema/headers/X-Count must be string'],
    ['maxAttempts 6', (t: JsonObject) => { t['options'] = { maxAttempts: 6 }; }, 'options/maxAttempts must be <= 5'],
    ['maxAttempts 0', (t: JsonObject) => { t['options'] = { maxAttempts: 0 }; }, 'options/maxAttempts must be >= 1'],
    ['retryDelay 1600', (t: JsonObject) => { t['options'] = { retryDelay: 1600 }; }, 'options/retryDelay must be <= 1500'],
    ['retryDelay 250', (t: JsonObject) => { t['options'] = { retryDelay: 250 }; }, 'options/retryDelay must be multiple of 100'],
    ['an unknown option', (t: JsonObject) => { t['options'] = { timeout: 1000 }; }, "options must NOT have additional properties 'timeout'"],
  ])('rejects %s', async (_what, edit, tail) => {
    const { name, messages } = await findingsForTemplate(edit);
    expect(messages).toEqual([`requests-schema: Request template '${name}' ${tail}`]);
  });

  it.each([
    ['api.example.com/v1', "schema/host must not have path or protocol: 'api.example.com/v1'"],
    ['https://api.example.com', "schema/host must not have path or protocol: 'https://api.example.com'"],
    ['localhost', "schema/host must be a fully qualified domain name or a substitution: 'localhost'"],
    ['api_example.com', "schema/host must be a fully qualified domain name or a substitution: 'api_example.com'"],
  ])('rejects the host %s', async (host, tail) => {
    const { name, messages } = await findingsForTemplate((t) => { t['schema']['host'] = host; });
    expect(messages).toEqual([`requests-host: Request template '${name}' ${tail}`]);
  });

  it.each(['<%= context.host %>', '<%= iparam.subdomain %>.freshdesk.com', 'api.injixo.com'])(
    'accepts the host %s',
    async (host) => {
      const report = await validateBroken((dir) => {
        useIparamsJson(dir, { subdomain: { display_name: 'Subdomain', type: 'text' } });
        editFirstTemplate(dir, (_n, t) => { t['schema']['host'] = host; });
      });
      expect(report.errors.filter((f) => f.file === FILE)).toEqual([]);
    },
  );

  it('requires the path to start with a slash', async () => {
    const { name, messages } = await findingsForTemplate((t) => { t['schema']['path'] = 'api/v2/groups'; });
    expect(messages).toEqual([`requests-path: Request template '${name}' schema/path must start with '/'`]);
  });

  it('rejects a secure iparam outside the headers', async () => {
    let secureName = '';
    let template = '';
    const report = await validateBroken((dir) => {
      secureName = useIparamsJson(dir)[0] ?? '';
      editFirstTemplate(dir, (n, t) => { template = n; t['schema']['query'] = { key: `<%= iparam.${secureName} %>` }; });
    });
    expect(secureName).not.toBe('');
    expect(report.errors).toContainEqual({
      file: FILE,
      rule: 'requests-secure-iparam',
      message: `Invalid iparam substitution: secure iparam '${secureName}' is used in schema/query/key of request template '${template}'; secure iparams may appear only in headers`,
    });
  });

  it('rejects an iparam that config/iparams.json does not define', async () => {
    const { name, messages } = await findingsForTemplate((t) => { t['schema']['headers'] = { 'X-Id': '<%= iparam.no_such_field %>' }; });
    expect(messages).toEqual([`requests-unknown-iparam: Request template '${name}' schema/headers/X-Id uses iparam 'no_such_field', which config/iparams.json does not define`]);
  });

  it('reports a requests.json that is not an object', async () => {
    const report = await validateBroken((dir) => {
      useIparamsJson(dir);
      writeFile(dir, FILE, '[]');
    });
    expect(report.errors).toContainEqual({ file: FILE, rule: 'requests-schema', message: 'must be object in config/requests.json' });
  });
});
