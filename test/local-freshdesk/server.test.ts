import { ManualClock } from '../../tools/clock';
import { parseDateInput, startLocalFreshdesk, type LocalFreshdesk } from '../../tools/local-freshdesk/server';
import { generateWorld, type FreshdeskTicket, type World } from '../../tools/local-freshdesk/world';
import { basicAuth, smallWorld, START } from './world-helpers';

const ADMIN = 'admin-key-123';
const AGENT = 'agent-key-456';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function get(freshdesk: LocalFreshdesk, path: string, key: string | null = ADMIN, method = 'GET'): Promise<Answer> {
  const headers: Record<string, string> = key === null ? {} : { Authorization: basicAuth(key) };
  const response = await fetch(`${freshdesk.url}${path}`, { method, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text === '' ? undefined : JSON.parse(text) };
}

/** The reference's date formats have no fractions of a second. */
function isoSecond(at: number): string {
  return new Date(at).toISOString().replace('.000Z', 'Z');
}

function nextLink(answer: Answer): string | undefined {
  const link = answer.headers.get('link');
  return link === null ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
}

function validation(field: string, message: string): unknown {
  return { description: 'Validation failed', errors: [{ field, message, code: 'invalid_value' }] };
}

/** All tickets of the world as of now, straight from the world (the listing's reference). */
function ticketsAsOf(world: World, now: number): FreshdeskTicket[] {
  const tickets: FreshdeskTicket[] = [];
  for (let id = 1; id <= world.ticketCount; id += 1) {
    const ticket = world.ticketAsOf(id, now);
    if (ticket) tickets.push(ticket);
  }
  return tickets;
}

describe('the local Freshdesk server', () => {
  let world: World;
  let clock: ManualClock;
  let freshdesk: LocalFreshdesk;

  beforeAll(async () => {
    world = smallWorld();
    clock = new ManualClock(world.end - 1000);
    freshdesk = await startLocalFreshdesk({ world, adminApiKey: ADMIN, agentApiKey: AGENT, clock, plan: 'enterprise' });
  });

  afterAll(async () => {
    await freshdesk.close();
  });

  beforeEach(() => {
    // A fresh rate-limit minute for every test.
    clock.advance(60_000);
  });

  describe('authentication', () => {
    it.each([
      ['no Authorization header', null],
      ['an unknown key', 'not-a-key'],
    ])('answers 401 invalid_credentials for %s', async (_case, key) => {
      const answer = await get(freshdesk, '/api/v2/tickets/1', key);
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' });
      expect(answer.headers.get('x-ratelimit-total')).toBe('700');
    });

    it('accepts the key as user name with any password', async () => {
      const response = await fetch(`${freshdesk.url}/api/v2/tickets/1`, { headers: { Authorization: `Basic ${Buffer.from(`${ADMIN}:whatever`).toString('base64')}` } });
      expect(response.status).toBe(200);
      const bare = await fetch(`${freshdesk.url}/api/v2/tickets/1`, { headers: { Authorization: `Basic ${Buffer.from(ADMIN).toString('base64')}` } });
      expect(bare.status).toBe(200);
    });
  });

  describe('GET /api/v2/groups', () => {
    it('lists the groups as of now for the admin key, paginated with a link header', async () => {
      const first = await get(freshdesk, '/api/v2/groups?per_page=2');
      expect(first.status).toBe(200);
      const names = (first.json as { name: string }[]).map((group) => group.name);
      expect(names).toEqual(['Customer Service', 'Billing']);
      const next = nextLink(first);
      expect(next).toBe(`${freshdesk.url}/api/v2/groups?per_page=2&page=2`);
      const pages = [first];
      for (let url = next; url !== undefined; ) {
        const answer = await get(freshdesk, url.slice(freshdesk.url.length));
        pages.push(answer);
        url = nextLink(answer);
      }
      const all = pages.flatMap((page) => page.json as { id: number; name: string }[]);
      expect(all).toEqual(world.groupsAsOf(clock.now()));
      expect(all.map((group) => group.name)).toContain('Product Support');
      expect(all.map((group) => group.name)).not.toContain('Partner Desk');
    });

    it('answers 403 access_denied to an agent key', async () => {
      const answer = await get(freshdesk, '/api/v2/groups', AGENT);
      expect(answer.status).toBe(403);
      expect(answer.json).toEqual({ code: 'access_denied', message: 'You are not authorized to perform this action.' });
    });

    it('refuses a per_page above 100', async () => {
      const answer = await get(freshdesk, '/api/v2/groups?per_page=101');
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual(validation('per_page', 'It should be a/an Positive Integer less than or equal to 100'));
    });
  });

  describe('GET /api/v2/ticket_fields', () => {
    it('returns the source field with the account choices, label → id', async () => {
      const answer = await get(freshdesk, '/api/v2/ticket_fields?type=default_source', AGENT);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual([expect.objectContaining({ name: 'source', type: 'default_source', choices: world.sourceChoices() })]);
      const all = await get(freshdesk, '/api/v2/ticket_fields');
      expect((all.json as { type: string }[]).map((field) => field.type)).toEqual(['default_source', 'default_status']);
    });
  });

  describe('GET /api/v2/tickets/{id}', () => {
    it('returns the ticket as of now', async () => {
      const answer = await get(freshdesk, '/api/v2/tickets/42', AGENT);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual(world.ticketAsOf(42, clock.now()));
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    });

    it('shows spam and deleted tickets with their flags', async () => {
      const tickets = ticketsAsOf(world, clock.now());
      const spam = tickets.find((ticket) => ticket.spam);
      const deleted = tickets.find((ticket) => ticket.deleted);
      expect((await get(freshdesk, `/api/v2/tickets/${spam?.id ?? 0}`)).json).toMatchObject({ spam: true });
      expect((await get(freshdesk, `/api/v2/tickets/${deleted?.id ?? 0}`)).json).toMatchObject({ deleted: true });
    });

    it('answers a bare 404 for an unknown, future or hard-deleted ticket', async () => {
      let hardDeleted = 0;
      for (let id = 1; hardDeleted === 0 && id <= world.ticketCount; id += 1) {
        if ((world.hardDeletedAt(id) ?? Infinity) < clock.now()) hardDeleted = id;
      }
      for (const id of [world.ticketCount + 1, hardDeleted]) {
        const answer = await get(freshdesk, `/api/v2/tickets/${id}`);
        expect(answer.status).toBe(404);
        expect(answer.text).toBe('');
      }
      const past = new ManualClock(world.start);
      const early = await startLocalFreshdesk({ world, adminApiKey: ADMIN, clock: past });
      try {
        expect((await get(early, '/api/v2/tickets/1')).status).toBe(404);
        past.advanceTo(world.ticketCreatedAt(1) ?? 0);
        expect((await get(early, '/api/v2/tickets/1')).status).toBe(200);
      } finally {
        await early.close();
      }
    });
  });

  describe('GET /api/v2/tickets/{id}/conversations', () => {
    it('pages through the conversations as of now with link headers', async () => {
      const busy = ticketsAsOf(world, clock.now()).find((ticket) => (world.conversationsAsOf(ticket.id, clock.now())?.length ?? 0) >= 3);
      const expected = world.conversationsAsOf(busy?.id ?? 0, clock.now()) ?? [];
      const seen: unknown[] = [];
      let path: string | undefined = `/api/v2/tickets/${busy?.id ?? 0}/conversations?per_page=2`;
      while (path !== undefined) {
        const answer = await get(freshdesk, path, AGENT);
        expect(answer.status).toBe(200);
        seen.push(...(answer.json as unknown[]));
        path = nextLink(answer)?.slice(freshdesk.url.length);
      }
      expect(seen).toEqual(expected);
    });

    it('answers 404 for an unknown ticket and 400 for a bad page', async () => {
      expect((await get(freshdesk, `/api/v2/tickets/${world.ticketCount + 5}/conversations`)).status).toBe(404);
      const answer = await get(freshdesk, '/api/v2/tickets/1/conversations?page=0');
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual(validation('page', 'It should be a/an Positive Integer'));
    });
  });

  describe('GET /api/v2/tickets', () => {
    const collect = async (query: string): Promise<FreshdeskTicket[]> => {
      const tickets: FreshdeskTicket[] = [];
      let path: string | undefined = `/api/v2/tickets?${query}`;
      while (path !== undefined) {
        const answer = await get(freshdesk, path);
        expect(answer.status).toBe(200);
        tickets.push(...(answer.json as FreshdeskTicket[]));
        path = nextLink(answer)?.slice(freshdesk.url.length);
      }
      return tickets;
    };

    it('lists 30 tickets newest first by default, without spam, deleted or descriptions', async () => {
      const answer = await get(freshdesk, '/api/v2/tickets');
      const tickets = answer.json as FreshdeskTicket[];
      expect(tickets).toHaveLength(30);
      const expected = ticketsAsOf(world, clock.now())
        .filter((ticket) => !ticket.spam && !ticket.deleted)
        .sort((left, right) => right.id - left.id)
        .slice(0, 30)
        .map(({ description: _description, description_text: _text, ...rest }) => rest);
      expect(tickets).toEqual(expected);
      expect(nextLink(answer)).toBe(`${freshdesk.url}/api/v2/tickets?page=2`);
    });

    it('lists all tickets updated since a time, oldest update first, across pages', async () => {
      const since = world.start + 3 * 86_400_000;
      clock.advance(60_000);
      const listed = await collect(`updated_since=${isoSecond(since)}&order_by=updated_at&order_type=asc&per_page=100`);
      const expected = ticketsAsOf(world, clock.now())
        .filter((ticket) => !ticket.spam && !ticket.deleted && Date.parse(ticket.updated_at) >= since)
        .sort((left, right) => Date.parse(left.updated_at) - Date.parse(right.updated_at));
      expect(listed.map((ticket) => ticket.id)).toEqual(expected.map((ticket) => ticket.id));
      expect(listed.length).toBeGreaterThan(500);
    });

    it.each([
      ['created_at', 'asc'],
      ['updated_at', 'desc'],
      ['due_by', 'asc'],
      ['status', 'desc'],
    ] as const)('orders by %s %s', async (orderBy, orderType) => {
      clock.advance(60_000);
      const since = world.start + 5 * 86_400_000;
      const listed = await collect(`updated_since=${isoSecond(since)}&order_by=${orderBy}&order_type=${orderType}&per_page=100`);
      const key = (ticket: FreshdeskTicket): number => (orderBy === 'status' ? ticket.status : Date.parse(ticket[orderBy]));
      const direction = orderType === 'asc' ? 1 : -1;
      const expected = ticketsAsOf(world, clock.now())
        .filter((ticket) => !ticket.spam && !ticket.deleted && Date.parse(ticket.updated_at) >= since)
        .sort((left, right) => direction * (key(left) - key(right) || left.id - right.id));
      expect(listed.map(key)).toEqual(expected.map(key));
      expect(new Set(listed.map((ticket) => ticket.id))).toEqual(new Set(expected.map((ticket) => ticket.id)));
    });

    it.each(['spam', 'deleted'] as const)('shows only %s tickets with filter=%s', async (filter) => {
      const listed = await collect(`filter=${filter}&per_page=100`);
      const expected = ticketsAsOf(world, clock.now()).filter((ticket) => (filter === 'spam' ? ticket.spam && !ticket.deleted : ticket.deleted));
      expect(listed.map((ticket) => ticket.id).sort((a, b) => a - b)).toEqual(expected.map((ticket) => ticket.id));
      expect(listed.length).toBeGreaterThan(0);
    });

    it('lists only tickets created in the last 30 days when updated_since is absent', async () => {
      const long = generateWorld({ seed: 11, start: START, days: 40, ticketsPerDay: 15 });
      const longClock = new ManualClock(long.end);
      const server = await startLocalFreshdesk({ world: long, adminApiKey: ADMIN, clock: longClock, plan: 'enterprise' });
      try {
        const tickets: FreshdeskTicket[] = [];
        for (let page = 1; ; page += 1) {
          const answer = await get(server, `/api/v2/tickets?per_page=100&order_type=asc&page=${page}`);
          tickets.push(...(answer.json as FreshdeskTicket[]));
          if (!nextLink(answer)) break;
        }
        const cutoff = long.end - 30 * 86_400_000;
        const expected = ticketsAsOf(long, long.end).filter((ticket) => !ticket.spam && !ticket.deleted && Date.parse(ticket.created_at) >= cutoff);
        expect(tickets.map((ticket) => ticket.id)).toEqual(expected.map((ticket) => ticket.id));
        expect(tickets[0]?.id).toBeGreaterThan(100);
        const old = await get(server, `/api/v2/tickets?per_page=100&updated_since=${START}&order_by=created_at&order_type=asc`);
        expect((old.json as FreshdeskTicket[])[0]?.id).toBe(1);
      } finally {
        await server.close();
      }
    });

    it.each([
      ['per_page=101', validation('per_page', 'It should be a/an Positive Integer less than or equal to 100')],
      ['per_page=0', validation('per_page', 'It should be a/an Positive Integer less than or equal to 100')],
      ['per_page=ten', validation('per_page', 'It should be a/an Positive Integer less than or equal to 100')],
      ['page=301', validation('page', 'You cannot access tickets beyond the 300th page. Please provide a smaller page number.')],
      ['page=-1', validation('page', 'It should be a/an Positive Integer')],
      ['order_by=priority', validation('order_by', "It should be one of these values: 'created_at,due_by,updated_at,status'")],
      ['order_type=up', validation('order_type', "It should be one of these values: 'asc,desc'")],
      ['filter=watching', validation('filter', "It should be one of these values: 'spam,deleted'")],
      ['updated_since=yesterday', validation('updated_since', "It should be in the 'valid date time' format")],
    ])('answers 400 for %s', async (query, body) => {
      const answer = await get(freshdesk, `/api/v2/tickets?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual(body);
    });

    it('accepts page 300 and reports every invalid parameter at once', async () => {
      expect((await get(freshdesk, '/api/v2/tickets?page=300')).status).toBe(200);
      const answer = await get(freshdesk, '/api/v2/tickets?page=301&per_page=500');
      expect((answer.json as { errors: { field: string }[] }).errors.map((error) => error.field)).toEqual(['per_page', 'page']);
    });
  });

  describe('routing', () => {
    it('answers 404 for unknown routes and 405 for other verbs', async () => {
      const unknown = await get(freshdesk, '/api/v2/contacts');
      expect(unknown.status).toBe(404);
      expect(unknown.text).toBe('');
      const post = await get(freshdesk, '/api/v2/tickets', ADMIN, 'POST');
      expect(post.status).toBe(405);
      expect(post.json).toEqual({ code: 'method_not_allowed', message: 'POST method is not allowed. It should be one of these method(s): GET' });
      expect(post.headers.get('allow')).toBe('GET');
    });

    it('answers 500 with the reason when the world fails', async () => {
      const broken = Object.create(world) as World;
      broken.ticketAsOf = () => {
        throw new Error('world exploded');
      };
      const server = await startLocalFreshdesk({ world: broken, adminApiKey: ADMIN, clock });
      try {
        const answer = await get(server, '/api/v2/tickets/1');
        expect(answer.status).toBe(500);
        expect(answer.json).toEqual({ code: 'internal_error', message: 'world exploded' });
      } finally {
        await server.close();
      }
    });

    it('logs every request with its clock time and status', async () => {
      const before = freshdesk.requestLog.length;
      await get(freshdesk, '/api/v2/tickets/3?x=1');
      expect(freshdesk.requestLog.slice(before)).toEqual([{ method: 'GET', path: '/api/v2/tickets/3?x=1', status: 200, at: clock.now() }]);
    });
  });
});

describe('rate limits', () => {
  let world: World;

  beforeAll(() => {
    world = generateWorld({ seed: 5, start: START, days: 2, ticketsPerDay: 50 });
  });

  it('allows the plan budget per clock minute, then answers 429 with Retry-After to the next minute', async () => {
    const clock = new ManualClock(Date.parse('2026-11-03T12:00:00Z'));
    const freshdesk = await startLocalFreshdesk({ world, adminApiKey: ADMIN, clock });
    try {
      for (let call = 1; call <= 200; call += 1) {
        const answer = await get(freshdesk, '/api/v2/ticket_fields');
        if (answer.status !== 200) throw new Error(`call ${call} answered ${answer.status}`);
        if (call === 1 || call === 200) {
          expect(answer.headers.get('x-ratelimit-total')).toBe('200');
          expect(answer.headers.get('x-ratelimit-remaining')).toBe(String(200 - call));
          expect(answer.headers.get('x-ratelimit-used-currentrequest')).toBe('1');
        }
      }
      clock.advance(45_500);
      const refused = await get(freshdesk, '/api/v2/ticket_fields');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('15');
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(refused.headers.get('x-ratelimit-used-currentrequest')).toBe('0');
      expect(refused.json).toEqual({ code: 'rate_limit_exceeded', message: 'You have exceeded the limit of requests per minute.' });
      clock.advance(14_500);
      expect((await get(freshdesk, '/api/v2/ticket_fields')).status).toBe(200);
    } finally {
      await freshdesk.close();
    }
  });

  it('has a lower sub-limit for the ticket list that leaves other endpoints alone', async () => {
    const clock = new ManualClock(Date.parse('2026-11-03T12:00:00Z'));
    const freshdesk = await startLocalFreshdesk({ world, adminApiKey: ADMIN, clock });
    try {
      for (let call = 1; call <= 20; call += 1) expect((await get(freshdesk, '/api/v2/tickets?per_page=1')).status).toBe(200);
      const refused = await get(freshdesk, '/api/v2/tickets?per_page=1');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('60');
      expect((await get(freshdesk, '/api/v2/tickets/1')).status).toBe(200);
      freshdesk.setPlan('pro');
      const pro = await get(freshdesk, '/api/v2/tickets?per_page=1');
      expect(pro.status).toBe(200);
      expect(pro.headers.get('x-ratelimit-total')).toBe('400');
      expect(pro.headers.get('x-ratelimit-remaining')).toBe(String(400 - 22));
    } finally {
      await freshdesk.close();
    }
  });
});

describe('parseDateInput', () => {
  it.each([
    ['2026-11-02', '2026-11-02T00:00:00.000Z'],
    ['2026-11-02T10:30', '2026-11-02T10:30:00.000Z'],
    ['2026-11-02T10:30Z', '2026-11-02T10:30:00.000Z'],
    ['2026-11-02T10:30:15', '2026-11-02T10:30:15.000Z'],
    ['2026-11-02T10:30:15Z', '2026-11-02T10:30:15.000Z'],
    ['2026-11-02T10:30:15+05:30', '2026-11-02T05:00:15.000Z'],
    ['2026-11-02T10:30:15+05', '2026-11-02T05:30:15.000Z'],
    ['2026-11-02T10:30:15-0130', '2026-11-02T12:00:15.000Z'],
  ])('reads %s as %s', (input, expected) => {
    expect(new Date(parseDateInput(input) ?? 0).toISOString()).toBe(expected);
  });

  it.each(['yesterday', '2026-13-45', '2026-11-02T25:00:00Z', '2026-11-02 10:00', '2026-11-02T10:30:15.000Z'])('refuses %s', (input) => {
    expect(parseDateInput(input)).toBeUndefined();
  });
});
