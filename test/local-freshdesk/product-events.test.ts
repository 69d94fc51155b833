import * as fs from 'node:fs';
import * as path from 'node:path';
import { toProductEvent, toProductEventArgs } from '../../tools/local-freshdesk/product-events';
import type { World, WorldEvent } from '../../tools/local-freshdesk/world';
import { allEvents, findEvent, smallWorld } from './world-helpers';

type Json = Record<string, unknown>;

function readFixture(event: string): Json {
  const file = path.join(__dirname, '..', '..', 'server', 'test_data', 'support_ticket', `${event}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
}

function keysOf(value: unknown): string[] {
  return Object.keys(value as Json).sort();
}

function dataOf(payload: Json): Json {
  return payload.data as Json;
}

describe('toProductEvent', () => {
  let world: World;
  let events: WorldEvent[];

  beforeAll(() => {
    world = smallWorld();
    events = allEvents(world);
  });

  it.each(['onTicketCreate', 'onConversationCreate', 'onTicketUpdate'])('gives every %s payload the keys of the FDK sample', (name) => {
    const fixture = readFixture(name);
    const fixtureData = dataOf(fixture);
    const kind = { onTicketCreate: 'ticketCreated', onConversationCreate: 'conversationCreated', onTicketUpdate: 'ticketUpdated' }[name];
    const matching = events.filter((event) => event.kind === kind).slice(0, 300);
    expect(matching.length).toBeGreaterThan(50);
    const mismatches: string[] = [];
    for (const event of matching) {
      const payload = toProductEventArgs(world, event) as unknown as Json;
      const data = dataOf(payload);
      if (keysOf(payload).join() !== keysOf(fixture).join()) mismatches.push(`top level of ${event.at}`);
      if (keysOf(data).join() !== keysOf(fixtureData).join()) mismatches.push(`data of ${event.at}`);
      for (const part of Object.keys(fixtureData)) {
        if (keysOf(data[part]).join() !== keysOf(fixtureData[part]).join()) mismatches.push(`${part} of ${event.at}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('describes a new ticket as of its creation, with the requester', () => {
    const created = findEvent(events, (event) => event.kind === 'ticketCreated', 'ticket');
    const { event, data } = toProductEvent(world, created);
    const ticket = data.ticket as Json;
    expect(event).toBe('onTicketCreate');
    expect(ticket).toMatchObject({ id: created.ticketId, created_at: new Date(created.at).toISOString().replace('.000Z', 'Z') });
    expect((data.requester as Json).id).toBe(ticket.requester_id);
    expect(JSON.stringify(data)).not.toMatch(/@(?!example\.com|localdesk\.freshdesk\.com)[a-z]/);
  });

  it('describes a conversation without the ticket, the actor being who wrote it', () => {
    const reply = findEvent(events, (event) => event.kind === 'conversationCreated' && world.conversation(event.ticketId, event.conversationId ?? 0)?.kind === 'customer_reply', 'customer reply');
    const { event, data } = toProductEvent(world, reply);
    expect(event).toBe('onConversationCreate');
    expect(data.ticket).toBeUndefined();
    const conversation = data.conversation as Json;
    expect(conversation).toMatchObject({ id: reply.conversationId, ticket_id: reply.ticketId, incoming: true, private: false, source: 0 });
    expect(data.actor).toMatchObject({ id: conversation.user_id, type: 'contact' });
    const note = findEvent(events, (candidate) => candidate.kind === 'conversationCreated' && world.conversation(candidate.ticketId, candidate.conversationId ?? 0)?.kind === 'private_note', 'private note');
    const noteData = toProductEvent(world, note).data;
    expect(noteData.conversation).toMatchObject({ private: true, source: 2, kind: 'private_note', category: { id: 2, name: 'agent_private_response' } });
    expect(noteData.actor).toMatchObject({ type: 'agent', helpdesk_agent: true });
  });

  it('puts the changes of an update on the ticket as {attribute: [old, new]}', () => {
    const update = findEvent(events, (event) => event.changes?.group_id !== undefined, 'group change');
    const { event, data } = toProductEvent(world, update);
    const ticket = data.ticket as Json;
    expect(event).toBe('onTicketUpdate');
    expect(ticket.changes).toEqual(update.changes);
    expect(ticket.group_id).toBe(update.changes?.group_id?.[1]);
  });

  it('names the account, region and time at the top level like the platform does', () => {
    const first = events[0] as WorldEvent;
    const args = toProductEventArgs(world, first);
    expect(args).toMatchObject({ region: 'US', domain: 'localdesk.freshdesk.com', account_id: String(world.account.accountId), event: 'onTicketCreate', timestamp: first.at / 1000 });
  });

  it('refuses events the world does not hold', () => {
    expect(() => toProductEvent(world, { at: world.start - 1000, kind: 'ticketCreated', ticketId: 1 })).toThrow(
      'toProductEvent: ticket 1 does not exist at 2026-11-01T23:59:59Z',
    );
    expect(() => toProductEvent(world, { at: world.end, kind: 'conversationCreated', ticketId: 1, conversationId: 5 })).toThrow(
      'toProductEvent: conversation 5 of ticket 1 is unknown',
    );
    expect(() => toProductEvent(world, { at: world.end, kind: 'conversationCreated', ticketId: 1 })).toThrow(
      'toProductEvent: conversation undefined of ticket 1 is unknown',
    );
  });
});
