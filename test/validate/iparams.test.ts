import { editJson, removeFile, useIparamsJson, validateBroken, writeFile, type JsonObject } from './app-copy';

const JSON_FILE = 'config/iparams.json';
const HTML_FILE = 'config/iparams.html';

async function iparamErrors(fields: Record<string, unknown>): Promise<string[]> {
  const report = await validateBroken((dir) => useIparamsJson(dir, fields));
  return report.errors.filter((f) => f.file === JSON_FILE).map((f) => `${f.rule}: ${f.message}`);
}

describe('config/iparams.json checks', () => {
  it('rejects a type the platform does not know', async () => {
    expect(await iparamErrors({ region: { display_name: 'Region', type: 'select' } }))
      .toEqual(["iparams-type: Invalid type, select, found in the 'region' field."]);
  });

  it('requires display_name and type', async () => {
    expect(await iparamErrors({ region: { description: 'where' } }))
      .toEqual(["iparams-mandatory-keys: The mandatory key(s), display_name, type , missing for the 'region' field."]);
  });

  it('requires options for a dropdown', async () => {
    expect(await iparamErrors({ region: { display_name: 'Region', type: 'radio' } }))
      .toEqual(["iparams-mandatory-keys: The mandatory key(s), options , missing for the 'region' field."]);
  });

  it('requires a default value for a dropdown', async () => {
    expect(await iparamErrors({ region: { display_name: 'Region', type: 'dropdown', options: ['EU', 'US'] } }))
      .toEqual(["iparams-default-value: In the 'region' field, specify the default value for the dropdown type."]);
  });

  it('rejects a dropdown default that is not one of the options, compared exactly', async () => {
    expect(await iparamErrors({ region: { display_name: 'Region', type: 'dropdown', options: ['eu', 'us'], default_value: 'EU' } }))
      .toEqual(["iparams-default-value: The default value specified for the 'region' dropdown type is not listed in the options."]);
  });

  it('compares defaults with option values, not labels', async () => {
    const options = [{ label: 'Europe', value: 'eu' }, { label: 'United States', value: 'us' }];
    expect(await iparamErrors({ region: { display_name: 'Region', type: 'dropdown', options, default_value: 'Europe' } }))
      .toEqual(["iparams-default-value: The default value specified for the 'region' dropdown type is not listed in the options."]);
    expect(await iparamErrors({ region: { display_name: 'Region', type: 'dropdown', options, default_value: 'eu' } })).toEqual([]);
  });

  it('checks every default of a multiselect', async () => {
    expect(await iparamErrors({ groups: { display_name: 'Groups', type: 'multiselect', options: ['a', 'b'], default_value: ['a', 'c'] } }))
      .toEqual(["iparams-default-value: The default value specified for the 'groups' multiselect type is not listed in the options."]);
    expect(await iparamErrors({ groups: { display_name: 'Groups', type: 'multiselect', options: ['a', 'b'], default_value: ['a', 'b'] } })).toEqual([]);
  });

  it('requires type_attributes.product for domain and api_key fields, in lower case', async () => {
    expect(await iparamErrors({ d: { display_name: 'Domain', type: 'domain' } }))
      .toEqual(['iparams-type-attributes: `type_attributes` must be specified for type domain in `config/iparams.json`.']);
    expect(await iparamErrors({ k: { display_name: 'Key', type: 'api_key', type_attributes: {} } }))
      .toEqual(['iparams-type-attributes: Mandatory key(s) `product` missing in `type_attributes` for k in `config/iparams.json`.']);
    expect(await iparamErrors({ k: { display_name: 'Key', type: 'api_key', type_attributes: { product: 'Fresh Desk' } } }))
      .toEqual(["iparams-type-attributes: Invalid product name format 'Fresh Desk'. Use lowercase without space"]);
  });

  it('checks the type of the documented keys', async () => {
    expect(await iparamErrors({ n: { display_name: 'N', type: 'number', required: 'yes', options: [] } })).toEqual([
      'iparams-schema: /n/required must be boolean',
      'iparams-schema: /n/options must NOT have fewer than 1 items',
    ]);
  });

  it('requires an object of fields', async () => {
    const report = await validateBroken((dir) => {
      useIparamsJson(dir);
      writeFile(dir, JSON_FILE, '[]');
    });
    expect(report.errors).toContainEqual({ file: JSON_FILE, rule: 'iparams-schema', message: 'must be object in config/iparams.json' });
    expect(await iparamErrors({ region: 'EU' })).toEqual(['iparams-schema: /region must be object']);
  });

  it('requires one of iparams.json or iparams.html', async () => {
    const report = await validateBroken((dir) => {
      useIparamsJson(dir);
      removeFile(dir, JSON_FILE);
    });
    expect(report.errors).toContainEqual({ file: JSON_FILE, rule: 'iparams', message: 'iparams.json is mandatory (or a custom config/iparams.html)' });
  });

  it('reports an iparams.json that is not valid JSON', async () => {
    const report = await validateBroken((dir) => {
      useIparamsJson(dir);
      writeFile(dir, JSON_FILE, '{');
    });
    expect(report.errors).toContainEqual(expect.objectContaining({
      file: JSON_FILE, rule: 'json-syntax', message: expect.stringMatching(/^config\/iparams\.json is not valid JSON: /),
    }));
  });
});

const PAGE_SCRIPT = `
function getConfigs(configs) { document.getElementById('key').value = configs.injixo_api_key || ''; }
const validate = () => true;
window.postConfigs = function () {
  return { __meta: { secure: ['injixo_api_key', 'freshdesk_api_key'] }, injixo_api_key: 'x' };
};
`;

function customPage(scripts: string): string {
  return `<!DOCTYPE html>\n<html>\n<head>\n<script src="{{{appclient}}}"></script>\n` +
    `<script src="https://cdn.example.com/lib.js"></script>\n${scripts}\n</head>\n<body></body>\n</html>\n`;
}

/** Replaces iparams.json by a custom page; the page's own checks are what these tests look at. */
function useCustomPage(dir: string, html: string, assets: Record<string, string> = {}): void {
  removeFile(dir, JSON_FILE);
  writeFile(dir, HTML_FILE, html);
  for (const [file, content] of Object.entries(assets)) writeFile(dir, `config/assets/${file}`, content);
}

describe('config/iparams.html checks', () => {
  it('accepts a page whose scripts define getConfigs, postConfigs and validate', async () => {
    const report = await validateBroken((dir) => useCustomPage(dir, customPage('<script src="./assets/iparams.js"></script>'), { 'iparams.js': PAGE_SCRIPT }));
    expect(report.errors.filter((f) => f.file.startsWith('config/'))).toEqual([]);
  });

  it('accepts the three functions in inline scripts, classic or module', async () => {
    const moduleScript = 'export {};\nwindow.validate = () => true;';
    const report = await validateBroken((dir) => useCustomPage(dir, customPage(
      `<script type="text/javascript">${PAGE_SCRIPT.replace('const validate = () => true;', '')}</script><script type="module">${moduleScript}</script>`,
    )));
    expect(report.errors.filter((f) => f.file.startsWith('config/'))).toEqual([]);
  });

  it('names the functions the page is missing', async () => {
    const report = await validateBroken((dir) => useCustomPage(dir, customPage('<script src="assets/iparams.js?v=2"></script>'), {
      'iparams.js': 'function postConfigs() { return {}; }\n',
    }));
    expect(report.errors).toContainEqual({
      file: HTML_FILE, rule: 'iparams-html',
      message: 'Mandatory method call(s) missing in config/iparams.html/config/assets/iparams.js for custom settings: getConfigs,validate',
    });
  });

  it('reports a local script that does not exist', async () => {
    const report = await validateBroken((dir) => useCustomPage(dir, customPage(`<script>${PAGE_SCRIPT}</script>\n<script src="./assets/missing.js"></script>`)));
    expect(report.errors).toContainEqual({
      file: HTML_FILE, rule: 'iparams-html', line: 13, message: 'config/assets/missing.js is referenced by config/iparams.html but does not exist',
    });
  });

  it('reports a syntax error with its line, in the asset or in the page', async () => {
    const fromAsset = await validateBroken((dir) => useCustomPage(dir, customPage('<script src="./assets/iparams.js"></script>'), {
      'iparams.js': `${PAGE_SCRIPT}\nfunction broken( {\n`,
    }));
    expect(fromAsset.errors).toContainEqual(expect.objectContaining({ file: 'config/assets/iparams.js', rule: 'parsing-error', line: 9 }));
    const inline = await validateBroken((dir) => useCustomPage(dir, customPage(`<script>\n${PAGE_SCRIPT}\nlet = ;\n</script>`)));
    expect(inline.errors).toContainEqual(expect.objectContaining({ file: HTML_FILE, rule: 'parsing-error', line: 14 }));
  });

  it('ignores scripts that are not JavaScript', async () => {
    const report = await validateBroken((dir) => useCustomPage(dir, customPage(`<script>${PAGE_SCRIPT}</script><script type="text/template"><div>{{ x }</div></script>`)));
    expect(report.errors.filter((f) => f.file.startsWith('config/'))).toEqual([]);
  });

  it('treats fields listed in __meta.secure as secure in request templates', async () => {
    const report = await validateBroken((dir) => {
      useCustomPage(dir, customPage(`<script>${PAGE_SCRIPT}</script>`));
      editJson(dir, 'config/requests.json', (r) => {
        const first = Object.values(r)[0] as JsonObject;
        first['schema']['path'] = '/v1/<%= iparam.freshdesk_api_key %>';
      });
    });
    expect(report.errors).toContainEqual(expect.objectContaining({
      rule: 'requests-secure-iparam', message: expect.stringContaining("secure iparam 'freshdesk_api_key' is used in schema/path"),
    }));
  });

  it('rejects having both iparams.json and iparams.html', async () => {
    const report = await validateBroken((dir) => {
      useIparamsJson(dir);
      writeFile(dir, HTML_FILE, customPage(`<script>${PAGE_SCRIPT}</script>`));
    });
    expect(report.errors).toContainEqual({ file: 'config', rule: 'iparams', message: 'Use either config/iparams.json or config/iparams.html, not both' });
  });
});
