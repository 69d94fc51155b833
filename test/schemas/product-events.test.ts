import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  conversationFactsFrom,
  ticketFactsFrom,
  validateConversationCreatedData,
  validateTicketCreatedData,
  validateTicketUpdatedData,
} from '../../src/schemas/product-events';
import type { Validated } from '../../src/schemas/create-validator';

const fixtureDir = path.resolve(__dirname, '..', '..', 'server', 'test_data', 'support_ticket');

/** The product events the app subscribes to, keyed by the FDK fixture file that carries each. */
const validatorsByFixture: Record<string, (input: unknown) => Validated<unknown>> = {
  'onTicketCreate.json': validateTicketCreatedData,
  'onConversationCreate.json': validateConversationCreatedData,
  'onTicketUpdate.json': validateTicketUpdatedData,
};

function readData(file: string): Record<string, unknown> {
  return (JSON.parse(fs.readFileSync(path.join(fixtureDir, file), 'utf8')) as { data: Record<string, unknown> }).data;
}

const ticketData = (): { ticket: Record<string, unknown> } => readData('onTicketCreate.json') as { ticket: Record<string, unknown> };
const conversationData = (): { conversation: Record<string, unknown> } =>
  readData('onConversationCreate.json') as { conversation: Record<string, unknown> };

describe('FDK fixtures against the product-event schemas', () => {
  const fixtures = fs.readdirSync(fixtureDir).filter((file) => file in validatorsByFixture);

  it('finds a fixture for every product event the app handles', () => {
    expect(fixtures.sort()).toEqual(Object.keys(validatorsByFixture).sort());
  });

  it.each(fixtures)('accepts the args.data of %s', (file) => {
    const validate = validatorsByFixture[file];
    if (validate === undefined) throw new Error(`no validator for ${file}`);
    expect(validate(readData(file))).toEqual({ ok: true, value: readData(file) });
  });
});

describe('validateTicketCreatedData', () => {
  it.each<[string, (data: { ticket: Record<string, unknown> }) => unknown, string, string]>([
    ['no ticket id', ({ ticket }) => ({ ticket: { ...ticket, id: undefined } }), 'ticket.id', 'ticket.id is required but missing.'],
    ['a string ticket id', ({ ticket }) => ({ ticket: { ...ticket, id: '165' } }), 'ticket.id', 'ticket.id must be an integer.'],
    ['a string group_id', ({ ticket }) => ({ ticket: { ...ticket, group_id: '42' } }), 'ticket.group_id', 'ticket.group_id must be an integer or null.'],
    ['a fractional group_id', ({ ticket }) => ({ ticket: { ...ticket, group_id: 4.2 } }), 'ticket.group_id', 'ticket.group_id must be an integer or null.'],
    ['no group_id at all', ({ ticket }) => ({ ticket: { ...ticket, group_id: undefined } }), 'ticket.group_id', 'ticket.group_id is required but missing.'],
    ['a string spam flag', ({ ticket }) => ({ ticket: { ...ticket, spam: 'false' } }), 'ticket.spam', 'ticket.spam must be a boolean.'],
    ['a string deleted flag', ({ ticket }) => ({ ticket: { ...ticket, deleted: 'yes' } }), 'ticket.deleted', 'ticket.deleted must be a boolean.'],
    [
      'a created_at without zone',
      ({ ticket }) => ({ ticket: { ...ticket, created_at: '2021-11-05T12:45:13' } }),
      'ticket.created_at',
      'ticket.created_at must be an ISO-8601 time with a zone, such as 2021-11-05T12:45:13Z.',
    ],
    [
      'a created_at on a day that does not exist',
      ({ ticket }) => ({ ticket: { ...ticket, created_at: '2021-02-30T12:45:13Z' } }),
      'ticket.created_at',
      'ticket.created_at must be an ISO-8601 time with a zone, such as 2021-11-05T12:45:13Z.',
    ],
    ['a numeric created_at', ({ ticket }) => ({ ticket: { ...ticket, created_at: 1636116313 } }), 'ticket.created_at', 'ticket.created_at must be a string.'],
    ['no ticket', () => ({ actor: {} }), 'ticket', 'ticket is required but missing.'],
    ['a ticket that is a list', () => ({ ticket: [] }), 'ticket', 'ticket must be an object.'],
  ])('refuses a payload with %s, naming the field', (_case, mutate, field, message) => {
    const input = JSON.parse(JSON.stringify(mutate(ticketData()))) as unknown;
    expect(validateTicketCreatedData(input)).toEqual({ ok: false, error: { field, message } });
  });

  it.each([null, 'ticket', 42, []])('refuses args.data %j that is not an object', (input) => {
    expect(validateTicketCreatedData(input)).toEqual({ ok: false, error: { field: 'data', message: 'data must be an object.' } });
  });

  it('accepts extra fields Freshdesk may add, and a payload without deleted', () => {
    const { ticket } = ticketData();
    const input = { ticket: { ...ticket, deleted: undefined, brand_new_field: { nested: true } }, something_else: 1 };
    expect(validateTicketCreatedData(JSON.parse(JSON.stringify(input)))).toMatchObject({ ok: true });
  });

  it('accepts a created_at with an offset and fractional seconds', () => {
    const { ticket } = ticketData();
    expect(validateTicketCreatedData({ ticket: { ...ticket, created_at: '2021-11-05T18:15:13.5+05:30' } })).toMatchObject({ ok: true });
  });
});

describe('validateConversationCreatedData', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['no ticket_id', { ticket_id: undefined }, 'conversation.ticket_id', 'conversation.ticket_id is required but missing.'],
    ['no incoming flag', { incoming: undefined }, 'conversation.incoming', 'conversation.incoming is required but missing.'],
    ['a null private flag', { private: null }, 'conversation.private', 'conversation.private must be a boolean.'],
    ['a string source', { source: 'email' }, 'conversation.source', 'conversation.source must be an integer.'],
    ['a bad created_at', { created_at: 'yesterday' }, 'conversation.created_at', 'conversation.created_at must be an ISO-8601 time with a zone, such as 2021-11-05T12:45:13Z.'],
  ])('refuses a conversation with %s, naming the field', (_case, overrides, field, message) => {
    const { conversation } = conversationData();
    const input = JSON.parse(JSON.stringify({ conversation: { ...conversation, ...overrides } })) as unknown;
    expect(validateConversationCreatedData(input)).toEqual({ ok: false, error: { field, message } });
  });

  it('refuses a payload without conversation', () => {
    expect(validateConversationCreatedData({ ticket: {} })).toEqual({
      ok: false,
      error: { field: 'conversation', message: 'conversation is required but missing.' },
    });
  });
});

describe('validateTicketUpdatedData', () => {
  it('accepts an update without changes (the platform does not guarantee them)', () => {
    const { ticket } = ticketData();
    expect(validateTicketUpdatedData({ ticket })).toMatchObject({ ok: true });
  });

  it('refuses changes that are not an object', () => {
    const { ticket } = ticketData();
    expect(validateTicketUpdatedData({ ticket: { ...ticket, changes: ['deleted'] } })).toEqual({
      ok: false,
      error: { field: 'ticket.changes', message: 'ticket.changes must be an object.' },
    });
  });

  it('refuses an update whose ticket lacks the facts the app keeps', () => {
    const { ticket } = ticketData();
    expect(validateTicketUpdatedData({ ticket: { ...ticket, source: undefined } })).toEqual({
      ok: false,
      error: { field: 'ticket.source', message: 'ticket.source is required but missing.' },
    });
  });
});

describe('ticketFactsFrom', () => {
  it('keeps only the facts the rules read', () => {
    const result = validateTicketCreatedData(ticketData());
    if (!result.ok) throw new Error(result.error.message);
    expect(ticketFactsFrom(result.value.ticket)).toEqual({ id: 165, group_id: null, source: 3, spam: false, deleted: false, created_at: '2021-11-05T12:45:13Z' });
  });

  it.each([
    [undefined, false],
    [null, false],
    [true, true],
  ])('reads deleted %j as %s', (deleted, expected) => {
    const base = { id: 1, group_id: 2, source: 1, spam: false, created_at: '2021-11-05T12:45:13Z' };
    const ticket = deleted === undefined ? base : { ...base, deleted };
    expect(ticketFactsFrom(ticket).deleted).toBe(expected);
  });

  it('carries the deleted flag of the onTicketUpdate fixture', () => {
    const result = validateTicketUpdatedData(readData('onTicketUpdate.json'));
    if (!result.ok) throw new Error(result.error.message);
    expect(ticketFactsFrom(result.value.ticket)).toEqual({ id: 205, group_id: 351, source: 3, spam: false, deleted: true, created_at: '2021-11-17T10:02:58Z' });
  });
});

describe('conversationFactsFrom', () => {
  it('keeps only the facts the rules read', () => {
    const result = validateConversationCreatedData(conversationData());
    if (!result.ok) throw new Error(result.error.message);
    expect(conversationFactsFrom(result.value.conversation)).toEqual({
      id: 5,
      ticket_id: 452,
      source: 2,
      private: true,
      incoming: false,
      created_at: '2021-11-10T09:50:59Z',
    });
  });
});
