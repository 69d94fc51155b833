import {
  validateFreshdeskConversations,
  validateFreshdeskGroups,
  validateFreshdeskTicket,
  validateFreshdeskTicketList,
  validateSourceChoices,
} from '../../src/schemas/freshdesk-api';

// Shapes as the Freshdesk API v2 reference shows them, trimmed; extra fields stay to prove they pass.
const apiTicket = {
  id: 20,
  subject: 'Printer on fire',
  group_id: 42,
  source: 2,
  spam: false,
  status: 2,
  created_at: '2026-11-21T10:34:22Z',
  updated_at: '2026-11-21T10:40:00Z',
  custom_fields: { cf_region: 'EU' },
};

const sourceField = {
  id: 2000000001,
  name: 'source',
  label: 'Source',
  type: 'default_source',
  default: true,
  choices: { Email: 1, Portal: 2, Phone: 3, Chat: 7, 'Feedback Widget': 9, 'Outbound Email': 10, WhatsApp: 1001 },
};

describe('validateFreshdeskTicket (GET /api/v2/tickets/{id})', () => {
  it('accepts a ticket with extra fields and without deleted', () => {
    expect(validateFreshdeskTicket(apiTicket)).toEqual({ ok: true, value: apiTicket });
  });

  it('accepts a deleted ticket with a null group', () => {
    expect(validateFreshdeskTicket({ ...apiTicket, group_id: null, deleted: true })).toMatchObject({ ok: true });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a string group_id', { group_id: '42' }, 'group_id', 'group_id must be an integer or null.'],
    ['no spam flag', { spam: undefined }, 'spam', 'spam is required but missing.'],
    ['a bad created_at', { created_at: '21/11/2026' }, 'created_at', 'created_at must be an ISO-8601 time with a zone, such as 2021-11-05T12:45:13Z.'],
  ])('refuses a ticket with %s', (_case, overrides, field, message) => {
    const input = JSON.parse(JSON.stringify({ ...apiTicket, ...overrides })) as unknown;
    expect(validateFreshdeskTicket(input)).toEqual({ ok: false, error: { field, message } });
  });

  it('refuses an error body in place of a ticket', () => {
    expect(validateFreshdeskTicket({ description: 'Validation failed', errors: [] })).toEqual({
      ok: false,
      error: { field: 'id', message: 'id is required but missing.' },
    });
  });
});

describe('validateFreshdeskTicketList (GET /api/v2/tickets)', () => {
  it('accepts a page of tickets, and an empty page', () => {
    expect(validateFreshdeskTicketList([apiTicket, { ...apiTicket, id: 21 }])).toMatchObject({ ok: true });
    expect(validateFreshdeskTicketList([])).toEqual({ ok: true, value: [] });
  });

  it('names the item that lacks updated_at', () => {
    const { updated_at: _dropped, ...withoutUpdatedAt } = apiTicket;
    expect(validateFreshdeskTicketList([apiTicket, withoutUpdatedAt])).toEqual({
      ok: false,
      error: { field: 'response.1.updated_at', message: 'response.1.updated_at is required but missing.' },
    });
  });

  it('refuses a response that is not a list', () => {
    expect(validateFreshdeskTicketList({ tickets: [] })).toEqual({ ok: false, error: { field: 'response', message: 'response must be an array.' } });
  });
});

describe('validateFreshdeskGroups (GET /api/v2/groups)', () => {
  it('accepts groups with extra fields', () => {
    const groups = [{ id: 42, name: 'CustomerService', description: 'Front line', agent_ids: [1, 2] }];
    expect(validateFreshdeskGroups(groups)).toEqual({ ok: true, value: groups });
  });

  it.each<[unknown, string, string]>([
    [[{ id: 42 }], 'response.0.name', 'response.0.name is required but missing.'],
    [[{ id: '42', name: 'A' }], 'response.0.id', 'response.0.id must be an integer.'],
    [{ message: 'forbidden' }, 'response', 'response must be an array.'],
  ])('refuses %j naming %s', (input, field, message) => {
    expect(validateFreshdeskGroups(input)).toEqual({ ok: false, error: { field, message } });
  });
});

describe('validateFreshdeskConversations (GET /api/v2/tickets/{id}/conversations)', () => {
  const reply = { id: 9, ticket_id: 20, source: 0, private: false, incoming: true, body_text: 'Thanks', created_at: '2026-11-21T10:50:00Z' };

  it('accepts a page of conversations', () => {
    expect(validateFreshdeskConversations([reply, { ...reply, id: 10, private: true, source: 2 }])).toMatchObject({ ok: true });
  });

  it('names the conversation that lacks incoming', () => {
    const { incoming: _dropped, ...withoutIncoming } = reply;
    expect(validateFreshdeskConversations([withoutIncoming])).toEqual({
      ok: false,
      error: { field: 'response.0.incoming', message: 'response.0.incoming is required but missing.' },
    });
  });
});

describe('validateSourceChoices (GET /api/v2/ticket_fields?type=default_source)', () => {
  it("returns the account's label → id map", () => {
    expect(validateSourceChoices([sourceField])).toEqual({ ok: true, value: sourceField.choices });
  });

  it('finds the source field among other fields when the filter was ignored', () => {
    const status = { id: 3, name: 'status', type: 'default_status', choices: { '2': ['Open', 'Being Processed'] } };
    expect(validateSourceChoices([status, sourceField])).toEqual({ ok: true, value: sourceField.choices });
  });

  it.each<[string, unknown, string, string]>([
    ['a response that is not a list', { fields: [] }, 'response', 'response must be an array.'],
    ['a field without type', [{ name: 'source' }], 'response.0.type', 'response.0.type is required but missing.'],
    ['no source field', [], 'response', 'response has no ticket field of type default_source.'],
    ['a source field without choices', [{ ...sourceField, choices: undefined }], 'response.0.choices', 'response.0.choices is required but missing.'],
    ['a choice that is not an id', [{ type: 'x' }, { ...sourceField, choices: { Email: '1' } }], 'response.1.choices.Email', 'response.1.choices.Email must be an integer.'],
  ])('refuses %s', (_case, input, field, message) => {
    expect(validateSourceChoices(JSON.parse(JSON.stringify(input)))).toEqual({ ok: false, error: { field, message } });
  });
});
