/**
 * The app's own event table (src/entry/events.ts) against manifest.json: each product event of
 * the table is declared in its module with its handler, and each product-module event the
 * manifest declares has a row (an event without one would have no handler; octokit/webhooks.js
 * warns on an unknown event name the same way). `npm run validate` passes the table when it
 * validates this repository.
 */
import { isObject, objectAt } from './check-manifest';
import type { FindingSink } from './findings';

export interface TableEvent {
  event: string;
  module: string;
  handler: string;
}

const FILE = 'manifest.json';
const TABLE = 'src/entry/events.ts';

export function checkProductEvents(modules: Record<string, unknown>, table: readonly TableEvent[], sink: FindingSink): void {
  for (const { event, module, handler } of table) {
    const spec = objectAt(modules[module], 'events')[event];
    const declared = isObject(spec) ? spec['handler'] : undefined;
    if (declared !== handler) {
      sink.error(FILE, 'product-events', `'${event}' of ${TABLE} must be declared in module '${module}' of ${FILE} with handler '${handler}'${typeof declared === 'string' ? ` (it names '${declared}')` : ''}`);
    }
  }
  const inTable = new Set(table.map((row) => `${row.module}/${row.event}`));
  for (const [module, mod] of Object.entries(modules)) {
    if (module === 'common') continue;
    for (const event of Object.keys(objectAt(mod, 'events'))) {
      if (!inTable.has(`${module}/${event}`)) sink.warn(FILE, 'product-events', `event '${event}' of module '${module}' has no row in ${TABLE}`);
    }
  }
}
