import { generateWorld, type World, type WorldEvent } from '../../tools/local-freshdesk/world';

export const START = '2026-11-02T00:00:00Z';

/** A week of a small account: big enough to hold every kind of story, small enough to scan. */
export function smallWorld(seed = 7): World {
  return generateWorld({ seed, start: START, days: 7, ticketsPerDay: 300 });
}

export function allEvents(world: World): WorldEvent[] {
  return [...world.timeline()];
}

/** The first event matching `predicate`, or a failing test. */
export function findEvent(events: readonly WorldEvent[], predicate: (event: WorldEvent) => boolean, what: string): WorldEvent {
  const found = events.find(predicate);
  if (!found) throw new Error(`the world has no ${what}`);
  return found;
}

export function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`${key}:X`).toString('base64')}`;
}
