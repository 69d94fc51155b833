/**
 * The FDK front-end client as the harness serves it in place of `{{{appclient}}}`: the subset
 * the two admin pages use (app.initialized, client.request.invokeTemplate / invoke,
 * client.iparams.get, client.data.get), each forwarded to the harness server. Plain browser JS.
 */
export function clientScript(page: 'install' | 'app'): string {
  return `(() => {
  'use strict';
  const page = ${JSON.stringify(page)};
  const call = async (what, payload) => {
    const res = await fetch('/__harness/' + what, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(Object.assign({ page }, payload)),
    });
    const answer = await res.json();
    if (answer.ok) return answer.value;
    throw answer.error;
  };
  const client = {
    request: {
      invokeTemplate: (name, options) => call('invokeTemplate', { name, options: options || {} }),
      invoke: (name, data) => call('invoke', { name, data: data || {} }),
    },
    iparams: { get: (key) => call('iparams', { key }) },
    data: { get: (name) => call('data', { name }) },
  };
  window.app = { initialized: () => Promise.resolve(client) };
  // Edit Settings: the platform hands the stored settings to getConfigs once the page has loaded.
  if (page === 'install' && new URLSearchParams(location.search).get('edit') === '1') {
    window.addEventListener('load', () => {
      call('configs', {}).then((configs) => window.getConfigs(configs));
    });
  }
})();
`;
}
