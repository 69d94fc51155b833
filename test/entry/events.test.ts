/**
 * The one event table (src/entry/events.ts, issue 21): the handlers map, the manifest and the
 * docs' event list all come from it, and the manifest cross-check fails when they part.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { handlers } from '../../src/entry/handlers';
import { handlerNameOf, PRODUCT_EVENTS, productEventHandlers, productEvents } from '../../src/entry/events';
import { LOSS_CLASS, RECORD_KIND_LETTERS } from '../../src/delivery/stored/record-kinds';
import { checkProductEvents } from '../../tools/validate/check-events';
import { FindingSink } from '../../tools/validate/findings';
import { fillEventTable, renderEventTable } from '../../tools/docs/events';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8')) as { modules: Record<string, { events?: Record<string, { handler: string }> }> };
const table = productEvents().map(([event, row]) => ({ event, module: row.module, handler: handlerNameOf(event) }));

describe('the event table', () => {
  it('holds every product event of the manifest, in its module, and nothing else', () => {
    const declared = Object.entries(manifest.modules)
      .filter(([module]) => module !== 'common')
      .flatMap(([module, mod]) => Object.entries(mod.events ?? {}).map(([event, spec]) => ({ event, module, handler: spec.handler })));
    expect([...table].sort((a, b) => a.event.localeCompare(b.event))).toEqual([...declared].sort((a, b) => a.event.localeCompare(b.event)));
  });

  it('gives the handlers map one handler per event, under its manifest name', () => {
    for (const { handler } of table) expect(typeof handlers[handler]).toBe('function');
    expect(Object.keys(productEventHandlers())).toEqual(table.map((row) => row.handler));
  });

  it('takes each loss class from its record kind, and every record kind is kept by some event', () => {
    for (const [, row] of productEvents()) expect(row.loss).toBe(LOSS_CLASS[row.record]);
    expect(new Set(productEvents().map(([, row]) => row.record))).toEqual(new Set(RECORD_KIND_LETTERS));
  });

  it('gates the opt-in events by their setting and counts the rest always', () => {
    expect(Object.fromEntries(productEvents().map(([event, row]) => [event, row.gate]))).toEqual({
      onTicketCreate: 'always',
      onConversationCreate: 'always',
      onTicketUpdate: 'always',
      onTimeEntryCreate: 'handledContacts',
      onTimeEntryUpdate: 'handledContacts',
      onTimeEntryDelete: 'handledContacts',
      onAgentUpdate: 'agentStatuses',
      onAgentAvailabilityUpdate: 'agentStatuses',
    });
  });

  it('is the event list of docs/delivery.md (npm run docs rewrites it)', () => {
    const text = fs.readFileSync(path.join(root, 'docs', 'delivery.md'), 'utf8');
    expect(fillEventTable(text)).toBe(text);
    for (const event of Object.keys(PRODUCT_EVENTS)) expect(renderEventTable()).toContain(`| \`${event}\` |`);
  });
});

describe('the manifest cross-check (npm run validate)', () => {
  it('passes for this manifest', () => {
    const sink = new FindingSink();
    checkProductEvents(manifest.modules, table, sink);
    expect(sink.report()).toEqual({ errors: [], warnings: [] });
  });

  it('fails on a table event the manifest lacks or names another handler, and warns on a manifest event without a row', () => {
    const sink = new FindingSink();
    const modules = {
      common: { events: { onAppInstall: { handler: 'onAppInstallHandler' } } },
      support_ticket: { events: { onTicketCreate: { handler: 'somethingElse' }, onTicketDelete: { handler: 'onTicketDeleteHandler' } } },
    };
    checkProductEvents(modules, [{ event: 'onTicketCreate', module: 'support_ticket', handler: 'onTicketCreateHandler' }, { event: 'onAgentUpdate', module: 'support_agent', handler: 'onAgentUpdateHandler' }], sink);
    expect(sink.report()).toEqual({
      errors: [
        { file: 'manifest.json', rule: 'product-events', message: "'onTicketCreate' of src/entry/events.ts must be declared in module 'support_ticket' of manifest.json with handler 'onTicketCreateHandler' (it names 'somethingElse')" },
        { file: 'manifest.json', rule: 'product-events', message: "'onAgentUpdate' of src/entry/events.ts must be declared in module 'support_agent' of manifest.json with handler 'onAgentUpdateHandler'" },
      ],
      warnings: [{ file: 'manifest.json', rule: 'product-events', message: "event 'onTicketDelete' of module 'support_ticket' has no row in src/entry/events.ts" }],
    });
  });
});
