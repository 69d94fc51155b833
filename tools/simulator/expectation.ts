/**
 * What injixo must hold after a seed (invariant (a)), from the independent oracle
 * (tools/local-freshdesk/oracle.ts) and what the platform actually delivered.
 *
 * Not strict (the event path alone, issue 19) — exactly these are tolerated, because the app
 * cannot know better:
 *
 * 1. A reply whose event the platform never delivered is left out ("invisible to the app": no
 *    conversation ids are numbered, nothing tells the app it existed). Counted per seed.
 * 2. A ticket whose creation was never delivered is found by the missing-ticket repair (ticket ids
 *    are sequential) and counted in the group and state it has *when the app looks it up*: its
 *    contact is "ambiguous" — allowed in the Tickets queue of any state the ticket had from its
 *    creation to the end of the feed (the local Freshdesk stands still after it), or nowhere if
 *    it was deleted for good by then (a 404). Below the first ticket whose creation the app kept,
 *    no id is numbered for the repair to find: such a ticket may be missing (the count extends
 *    down only for a ticket an update or a reply's look-up told the app of).
 * 3. A reply after a ticket fact (its creation or an update) that the platform delivered late
 *    (after a later event of the same ticket: out of order) or never, may be attributed with
 *    the facts the app had: allowed in the Replies queue of any state the ticket had from just
 *    before that fact to the end of the feed (Unknown when it was spam, deleted or gone).
 * 4. A poison ticket with id 1e15 may be counted once in its payload's queue, or not at all.
 * 5. What the app's own log says it could not do in time, by a documented limit: a ticket fact it
 *    had to hold in a one-time schedule because the KV store refused its append (late, like 3),
 *    a ticket fact it lost because the KV store and the scheduler both refused it (EVENT_LOST:
 *    never, like 3; the creation is then found by the missing-ticket repair), a reply it lost so
 *    (EVENT_LOST: onConversationCreate c123): may be missing from injixo even when the counter
 *    that would have made its gap was refused in the same full minute — nothing else is left to
 *    store it in, and no conversation id is numbered for the app to find it again (like 1; may,
 *    since another delivery of the same event may have been kept) —,
 *    a time entry's record it lost so (EVENT_LOST: onScheduledEvent e123, the entry's id; the log
 *    does not say which version of the entry, so every event of it counts): never, like 6 — its
 *    ticket's handled contact is not checked (large seed 56: a held entry's retry met the KV
 *    limit and a scheduler 500: the app had nowhere left to keep it),
 *    a ticket it counted through the missing-ticket repair or found gone then (MISSING_TICKET_GONE:
 *    a 404; like 2), and an agent whose status
 *    change it applied late (AGENT_STATUS_STALE: the record came after the agent's time had been
 *    handed to injixo, which cannot split a sent interval) or lost (EVENT_LOST: onAgentUpdate a123, or
 *    onScheduledEvent a123 — a held record's retry, or a change a run carried back after its post):
 *    that agent's intervals are not checked.
 * 6. A handled contact of a ticket with any event delivered late or never is not checked: the
 *    app may miss its resolution, its time entries or its creation (its queue). Each world event
 *    has its own second, so injixo's handled contact at that resolution second is left out too.
 *    When the first resolution's own update was delivered late or never, the app may know only a
 *    later resolution of the ticket (a reopening carries no attribution field, so its handler
 *    keeps no record that could tell it the ticket had been resolved): injixo's handled contact
 *    at one of the ticket's later resolution seconds is left out as well — one for the ticket
 *    over all its resolution seconds; a second one is checked, and is a surplus.
 * 7. A handled contact whose resolution second lies in a gap that counts contacts (known lost,
 *    or posted and never confirmed: `delivery_unconfirmed`) may be missing from injixo, as
 *    offered contacts may. When injixo holds a handled contact at that second, it is checked.
 *    Likewise an agent whose status interval overlaps a window of agent-status intervals the
 *    app posted without an answer (its log: DELIVERY_UNCONFIRMED … (from–to)): not checked.
 *
 * 8. A contact in a window the app walked Freshdesk for — a recorded gap it repaired (its log:
 *    "GAP_REPAIRED: the recorded gap FROM to TO") or the day its daily check covered when it sent
 *    something ("DAY_CHECKED: … sent=N", N > 0) — may be in
 *    the queue of any state its ticket had from the contact to the feed's end: the walk
 *    attributes a contact by the group the API shows now (SPEC §8), and sends what the ledger
 *    lacks per (queue, interval), so a contact the events lost there (COMMIT_REFUSED) comes back
 *    under its ticket's current group. A reply never delivered is then optional there too (1).
 *
 * Timestamps stay strict (an ambiguous contact keeps its own 15-minute interval), so every
 * interval's total is checked exactly; only the queue within the allowed set is free.
 *
 * Strict (`--strict`, issue 20: after the daily check of the fed day) — nothing may be lost: a
 * reply never delivered (1) is expected too, in its oracle queue or in the queue of its ticket as
 * the API shows it at the feed's end (the check walks Freshdesk and attributes a reply to its
 * ticket's group now, SPEC §8); and no gap excuses a loss (invariants.ts). Tolerances 2–5 stay:
 * they say in which queue a contact may be, never that it may be missing (a contact sent to a
 * wrong queue is never taken back, only counted).
 */
import { expectedAgentStatuses, expectedHandledContacts, expectedOfferedContacts, queueIdentifierOf, replyTicketSource, type ExpectedStatusInterval } from '../local-freshdesk/oracle';
import { agentEmail } from '../local-freshdesk/agents';
import type { FreshdeskTicket } from '../local-freshdesk/world';
import type { SeedRun } from './run-seed';

export interface ExpectedContact {
  /** `t:<ticket>` / `c:<conversation>` / `poison:<n>`. */
  id: string;
  /** The oracle's queue. */
  queueIdentifier: string;
  /** Every queue it may be in (the oracle's first). */
  allowed: string[];
  timestamp: string;
  /** May be absent from injixo without a gap (tolerance 2's 404, poison). */
  optional: boolean;
  ticketId: number;
}

export interface Expectation {
  offered: ExpectedContact[];
  /** Tolerance 1: replies never delivered, left out. */
  invisibleReplies: number;
  /** Contacts allowed in more than one queue (tolerances 2, 3). */
  ambiguous: number;
  /** Handled contacts as `queue|timestamp|duration`, with how many of each. */
  handled: Map<string, number> | undefined;
  /** Tickets whose handled contact is not checked (a fact of theirs was delivered late or never; tolerance 7's too). */
  handledTolerated: number;
  /** Their resolution times: a handled contact injixo holds at one of these seconds is not checked either. */
  handledToleratedAt: Set<string>;
  /** Closed intervals, and (open: true) the statuses still open at the feed's end. */
  agents: { closed: (ExpectedStatusInterval & { open?: true })[]; toleratedAgents: number } | undefined;
}

export function handledKey(queueIdentifier: string, timestamp: string, duration: number | null | undefined): string {
  return `${queueIdentifier}|${timestamp}|${duration ?? '-'}`;
}

export function buildExpectation(run: SeedRun, strict: boolean): Expectation {
  const { world, feed } = run;
  const replyScope = run.account.replyScope;
  const contacts = expectedOfferedContacts(world, { replyScope, from: feed.from, to: feed.to });
  const never = new Set<string>();
  /** ticket → earliest world time of a fact (creation/update) delivered late or never. */
  const disturbed = new Map<number, number>();
  /** tickets with any event delivered late or never (handled tolerance), agents likewise. */
  const touchedTickets = new Set<number>();
  const touchedAgents = new Set<number>();
  const latestDeliveredAt = new Map<number, number>();
  /** Ticket updates delivered late or never, as `ticket|ms` (tolerance 6's later resolutions). */
  const lateUpdates = new Set<string>();
  const byPosition = run.fed.filter((f) => f.position !== undefined).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  for (const f of byPosition) {
    const { event } = f;
    const seen = latestDeliveredAt.get(event.ticketId);
    // A fact delivered after a later event of its ticket: late.
    if (seen !== undefined && seen > event.at) markDisturbed(f.event);
    latestDeliveredAt.set(event.ticketId, Math.max(seen ?? -Infinity, event.at));
    if (f.fate === 'outOfOrder' && event.kind === 'agentUpdated') touchedAgents.add(event.agentId ?? -1);
    else if (f.fate === 'outOfOrder') touchedTickets.add(event.ticketId);
    if (f.fate === 'outOfOrder' && event.kind === 'ticketUpdated') lateUpdates.add(`${event.ticketId}|${event.at}`);
  }
  function markDisturbed(event: SeedRun['fed'][number]['event']): void {
    if (event.kind === 'agentUpdated') {
      touchedAgents.add(event.agentId ?? -1);
      return;
    }
    touchedTickets.add(event.ticketId);
    if (event.kind === 'ticketUpdated') lateUpdates.add(`${event.ticketId}|${event.at}`);
    if (event.kind !== 'ticketCreated' && event.kind !== 'ticketUpdated') return;
    disturbed.set(event.ticketId, Math.min(disturbed.get(event.ticketId) ?? Infinity, event.at));
  }
  for (const f of run.fed) {
    if (f.fate !== 'never') continue;
    const { event } = f;
    if (event.kind === 'ticketCreated') never.add(`t:${event.ticketId}`);
    if (event.kind === 'conversationCreated') never.add(`c:${event.conversationId ?? -1}`);
    markDisturbed(event);
  }
  // Tolerance 5: what the app's own log says it had to hold or repair.
  for (const event of heldFacts(run)) markDisturbed(event);
  const lost = lostRecords(run);
  for (const event of lost.facts) {
    markDisturbed(event);
    // A creation it said it lost (EVENT_LOST t<id>) is "never", as tolerance 5 says: found by the
    // repair in a later state, or nowhere when the ticket is gone (large seed 84: ticket 935,
    // hard-deleted before any run could look it up).
    if (event.kind === 'ticketCreated') never.add(`t:${event.ticketId}`);
  }
  for (const event of repairedCreations(run)) {
    never.add(`t:${event.ticketId}`);
    markDisturbed(event);
  }
  for (const agentId of agentsChangedLate(run)) touchedAgents.add(agentId);
  const agentWindowsUnconfirmed = unconfirmedAgentWindows(run);

  const changeTimes = disturbed.size === 0 ? new Map<number, number[]>() : ticketChangeTimes(run, new Set(disturbed.keys()));
  // The local Freshdesk stands still at the feed's end (run-seed.ts): no state after it exists for the app.
  const factsEnd = feed.to;
  const statesBetween = (ticketId: number, from: number): (FreshdeskTicket | undefined)[] => {
    // From before the ticket's creation (a creation delivered late): its state as created is one of them too.
    const created = world.ticketCreatedAt(ticketId);
    const creation = created !== undefined && created > from && created <= factsEnd ? [created] : [];
    const times = [from, ...creation, ...(changeTimes.get(ticketId) ?? []).filter((t) => t > from && t <= factsEnd), factsEnd];
    return times.map((t) => world.ticketAsOf(ticketId, t));
  };

  const firstKeptCreation = Math.min(...run.fed.filter((f) => f.event.kind === 'ticketCreated' && f.fate !== 'never' && !never.has(`t:${f.event.ticketId}`)).map((f) => f.event.ticketId));
  const walkedWindows = walkedFor(run);
  const walked = (at: number): boolean => walkedWindows.some((w) => w.from <= at && at < w.to);
  const offered: ExpectedContact[] = [];
  let invisibleReplies = 0;
  let ambiguous = 0;
  for (const contact of contacts) {
    const id = contact.kind === 'tickets' ? `t:${contact.ticketId}` : `c:${contact.conversationId ?? -1}`;
    const base: ExpectedContact = { id, queueIdentifier: contact.queueIdentifier, allowed: [contact.queueIdentifier], timestamp: contact.timestamp, optional: false, ticketId: contact.ticketId };
    if (contact.kind === 'replies' && never.has(id)) {
      // Without the daily check the app cannot know of it; after the check it is sent, in the
      // queue the walk attributes it to (required in strict mode, tolerated either way otherwise).
      if (!strict && run.checkedAt === undefined && !walked(Date.parse(contact.timestamp))) {
        invisibleReplies += 1;
        continue;
      }
      const now = world.ticketAsOf(contact.ticketId, feed.to);
      const allowed = unique([contact.queueIdentifier, queueIdentifierOf(now, replyTicketSource(contact.sourceId, now?.source ?? -1), 'replies')]);
      offered.push({ ...base, allowed, optional: !strict });
      if (allowed.length > 1) ambiguous += 1;
      if (!strict) invisibleReplies += 1;
      continue;
    }
    const at = Date.parse(contact.timestamp);
    const ticketSource = world.ticketAsOf(contact.ticketId, world.ticketCreatedAt(contact.ticketId) ?? at)?.source ?? -1;
    if (contact.kind === 'tickets' && never.has(id)) {
      const states = statesBetween(contact.ticketId, at);
      // Below the first creation the app ever kept, no id is numbered for it (tolerance 2's
      // repair starts there) unless an update or a reply told it of the ticket: may be missing.
      if (contact.ticketId < firstKeptCreation) {
        offered.push({ ...base, allowed: unique([contact.queueIdentifier, ...states.filter((s) => s !== undefined).map((s) => queueIdentifierOf(s, ticketSource, 'tickets'))]), optional: true });
        ambiguous += 1;
        continue;
      }
      const allowed = unique([contact.queueIdentifier, ...states.filter((s) => s !== undefined).map((s) => queueIdentifierOf(s, ticketSource, 'tickets'))]);
      offered.push({ ...base, allowed, optional: states.some((s) => s === undefined) });
      if (allowed.length > 1) ambiguous += 1;
      continue;
    }
    const since = disturbed.get(contact.ticketId);
    const optional = lost.replies.has(id);
    if (contact.kind === 'replies' && since !== undefined && at >= since) {
      const source = replyTicketSource(contact.sourceId, ticketSource);
      const allowed = unique([contact.queueIdentifier, ...statesBetween(contact.ticketId, since - 1000).map((s) => queueIdentifierOf(s, source, 'replies'))]);
      offered.push({ ...base, allowed, optional });
      if (allowed.length > 1) ambiguous += 1;
      continue;
    }
    if (optional && contact.kind === 'replies') {
      // A lost reply the daily check repairs counts in the group the API shows when it walks (issue 20): any state from the reply to the feed's end.
      const source = replyTicketSource(contact.sourceId, ticketSource);
      const allowed = unique([contact.queueIdentifier, ...statesBetween(contact.ticketId, at).map((s) => queueIdentifierOf(s, source, 'replies'))]);
      offered.push({ ...base, allowed, optional });
      if (allowed.length > 1) ambiguous += 1;
      continue;
    }
    if (walked(at)) {
      // Tolerance 8: the walk counts it under its ticket's group as the API shows it.
      const source = contact.kind === 'replies' ? replyTicketSource(contact.sourceId, ticketSource) : ticketSource;
      const allowed = unique([contact.queueIdentifier, ...statesBetween(contact.ticketId, at).map((s) => queueIdentifierOf(s, source, contact.kind))]);
      offered.push({ ...base, allowed, optional });
      if (allowed.length > 1) ambiguous += 1;
      continue;
    }
    offered.push({ ...base, optional });
  }
  run.poison.forEach((p, index) => {
    if (p.optionalContact) offered.push({ id: `poison:${index}`, queueIdentifier: p.optionalContact.queueIdentifier, allowed: [p.optionalContact.queueIdentifier], timestamp: p.optionalContact.timestamp, optional: true, ticketId: -1 });
  });

  let handled: Map<string, number> | undefined;
  let handledTolerated = 0;
  const handledToleratedAt = new Set<string>();
  if (run.account.handledContacts) {
    handled = new Map();
    const heldAt = handledSecondsAtInjixo(run);
    const gaps = countingGaps(run.status);
    // The feed is [from, to): a time entry changed in the second at `to` never reached the app
    // (large seed 35: an update at 11:00:00 of a ticket resolved at 10:58:40), so facts stand as
    // of the feed's last millisecond.
    for (const h of expectedHandledContacts(world, { from: feed.from, to: feed.to, factsUntil: feed.to - 1 })) {
      // The daily check repairs offered contacts only: handled contacts keep their tolerance (5) in strict mode too.
      if (touchedTickets.has(h.ticketId)) {
        handledTolerated += 1;
        handledToleratedAt.add(h.timestamp);
        // Tolerance 6's later resolutions: one handled contact for the ticket at most.
        if (!lateUpdates.has(`${h.ticketId}|${Date.parse(h.timestamp)}`)) continue;
        const later = laterResolutions(run, h.ticketId, Date.parse(h.timestamp));
        if ([h.timestamp, ...later].reduce((n, at) => n + (heldAt.get(at) ?? 0), 0) <= 1) for (const at of later) handledToleratedAt.add(at);
        continue;
      }
      // Tolerance 7.
      const at = Date.parse(h.timestamp);
      if (!strict && !heldAt.has(h.timestamp) && gaps.some((g) => g.from <= at && at <= g.to)) {
        handledTolerated += 1;
        continue;
      }
      const key = handledKey(h.queueIdentifier, h.timestamp, h.duration);
      handled.set(key, (handled.get(key) ?? 0) + 1);
    }
  }
  let agents: Expectation['agents'];
  if (run.account.agentStatuses) {
    const statuses = expectedAgentStatuses(world, 'email', feed.to);
    // A status still open at the feed's end is sent on up to every run's now: held from its start to at least the feed's end.
    const closed = [...statuses.closed, ...statuses.open.map((s) => ({ ...s, open: true as const }))];
    const tolerated = new Set([...touchedAgents].map((id) => agentEmail(id)));
    // Tolerance 7's agent intervals: one that overlaps a window injixo never confirmed may be missing or cut there.
    const unconfirmed = (c: ExpectedStatusInterval): boolean => agentWindowsUnconfirmed.some((w) => c.start < w.to && w.from < c.end);
    for (const c of closed) if (unconfirmed(c)) tolerated.add(c.agentIdentifier);
    // The daily check repairs offered contacts only: agent statuses keep their tolerances in strict mode too.
    agents = { closed: closed.filter((c) => !tolerated.has(c.agentIdentifier)), toleratedAgents: tolerated.size };
  }
  return { offered, invisibleReplies, ambiguous, handled, handledTolerated, handledToleratedAt, agents };
}

/**
 * Ticket facts whose record the KV store refused at intake and the app held in a one-time
 * schedule (its log: "PLATFORM_LIMIT: … t123 / u123 is held"), at the delivery that was held:
 * late like a fact the platform delivered late (tolerance 3), by the app's own documented limit.
 */
function heldFacts(run: SeedRun): SeedRun['fed'][number]['event'][] {
  const held = new Set<string>();
  for (const line of run.logs) {
    const match = /PLATFORM_LIMIT: KV limit reached; ([tu])(\d+) is held/.exec(line.message);
    if (match) held.add(`${match[1] === 't' ? 'ticketCreated' : 'ticketUpdated'}|${match[2]}|${line.at}`);
  }
  return run.fed.filter((f) => f.deliveredAt !== undefined && held.has(`${f.event.kind}|${f.event.ticketId}|${f.deliveredAt}`)).map((f) => f.event);
}

/**
 * Records the app lost at intake and said so (its log: "EVENT_LOST: onTicketUpdate u123 could not
 * be stored"): the KV store and the scheduler both refused them, at the delivery that was lost.
 * Ticket facts are then never known to the app (like tolerance 3); replies (`c:<id>`) may be missing.
 * A time entry's record (`e<entry id>`), lost at its delivery or at a held record's retry, is
 * never known either (tolerance 5): every event of that entry is returned, for its ticket.
 */
function lostRecords(run: SeedRun): { facts: SeedRun['fed'][number]['event'][]; replies: Set<string> } {
  const lostFacts = new Set<string>();
  const replies = new Set<string>();
  const entries = new Set<number>();
  const kinds: Record<string, string> = { t: 'ticketCreated', u: 'ticketUpdated' };
  for (const line of run.logs) {
    const match = /EVENT_LOST: \w+ ([tuce])(\d+) could not be stored/.exec(line.message);
    if (!match) continue;
    if (match[1] === 'c') replies.add(`c:${match[2] ?? ''}`);
    else if (match[1] === 'e') entries.add(Number(match[2]));
    else lostFacts.add(`${kinds[match[1] ?? ''] ?? ''}|${match[2] ?? ''}|${line.at}`);
  }
  const lostEntry = (event: SeedRun['fed'][number]['event']): boolean => event.timeEntryId !== undefined && entries.has(event.timeEntryId);
  const facts = run.fed.filter((f) => lostEntry(f.event) || (f.deliveredAt !== undefined && lostFacts.has(`${f.event.kind}|${f.event.ticketId}|${f.deliveredAt}`))).map((f) => f.event);
  return { facts, replies };
}

/**
 * Tickets the app counted by its missing-ticket repair (its log: "TICKET_EVENT_REPAIRED: ticket
 * 123"): their creation record never reached a run (a handler or a held record's retry died), and
 * the repair counts them in the group Freshdesk shows then, as documented: like tolerance 2. A
 * ticket the repair found gone ("MISSING_TICKET_GONE: ticket 123", a 404) likewise: counted nowhere.
 */
function repairedCreations(run: SeedRun): SeedRun['fed'][number]['event'][] {
  const repaired = new Set<number>();
  for (const line of run.logs) {
    const match = /(?:TICKET_EVENT_REPAIRED|MISSING_TICKET_GONE): ticket (\d+)/.exec(line.message);
    if (match) repaired.add(Number(match[1]));
  }
  return run.fed.filter((f) => f.event.kind === 'ticketCreated' && repaired.has(f.event.ticketId)).map((f) => f.event);
}

/** Tolerance 8: the windows the app walked Freshdesk for and sent the difference of. */
function walkedFor(run: SeedRun): { from: number; to: number }[] {
  const windows: { from: number; to: number }[] = [];
  for (const line of run.logs) {
    const match = /GAP_REPAIRED: the recorded gap (\S+) to (\S+) was repaired/.exec(line.message);
    if (match) windows.push({ from: Date.parse(match[1] ?? ''), to: Date.parse(match[2] ?? '') });
    // The daily check only where it sent something: a check that sent nothing moved no contact.
    if (/DAY_CHECKED: .* sent=[1-9]/.test(line.message)) windows.push({ from: run.feed.from, to: run.feed.to });
  }
  return windows;
}

/** How many handled contacts injixo holds at each timestamp. */
function handledSecondsAtInjixo(run: SeedRun): Map<string, number> {
  const held = new Map<string, number>();
  for (const c of run.injixo.contacts) if (c.handled === true) held.set(c.timestamp, (held.get(c.timestamp) ?? 0) + 1);
  return held;
}

/** The status page's gaps that count contacts known lost or not confirmed (ms bounds). */
function countingGaps(status: unknown): { from: number; to: number }[] {
  const gaps = (status as { gaps?: unknown } | undefined)?.gaps;
  if (!Array.isArray(gaps)) return [];
  return (gaps as { from?: unknown; to?: unknown; contactsKnownLost?: number; contactsMaybeLost?: number }[])
    .filter((g) => typeof g.from === 'string' && typeof g.to === 'string' && Math.max(0, g.contactsKnownLost ?? 0) + Math.max(0, g.contactsMaybeLost ?? 0) > 0)
    .map((g) => ({ from: Date.parse(g.from as string), to: Date.parse(g.to as string) }));
}

/** The ticket's resolutions (open → 4 or 5) after its first one, within the fed hours, as injixo timestamps. */
function laterResolutions(run: SeedRun, ticketId: number, firstMs: number): string[] {
  const resolved = (status: number): boolean => status === 4 || status === 5;
  return run.world
    .statusChangesOf(ticketId)
    .filter((c) => c.at > firstMs && c.at < run.feed.to && resolved(c.to) && !resolved(c.from))
    .map((c) => new Date(c.at).toISOString().replace('.000Z', 'Z'));
}

/**
 * Agents a status change of whom the app applied late and said so (its log: "AGENT_STATUS_STALE:
 * a status change of agent 123 … takes effect from …"): its record was held by the KV limit past
 * the run that handed the agent's time to injixo, which cannot split a sent interval; or lost
 * and said so ("EVENT_LOST: onAgentUpdate a123": the KV store and the scheduler both refused it,
 * and Freshdesk keeps no history of agent statuses to repair it from) (tolerance 5).
 */
function agentsChangedLate(run: SeedRun): number[] {
  const agents: number[] = [];
  for (const line of run.logs) {
    const match = /AGENT_STATUS_STALE: a status change of agent (\d+)|EVENT_LOST: \w+ a(\d+)/.exec(line.message);
    if (match) agents.push(Number(match[1] ?? match[2]));
  }
  return agents;
}

/** Windows of agent-status intervals injixo never confirmed (the app's log: "DELIVERY_UNCONFIRMED: … agent status intervals (from–to)"). */
function unconfirmedAgentWindows(run: SeedRun): { from: number; to: number }[] {
  const windows: { from: number; to: number }[] = [];
  for (const line of run.logs) {
    const match = /DELIVERY_UNCONFIRMED: injixo did not confirm \d+ agent status intervals \((\S+)–(\S+)\)/.exec(line.message);
    if (match) windows.push({ from: Date.parse(match[1] as string), to: Date.parse(match[2] as string) });
  }
  return windows;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** When each of these tickets changed (updates), from the world's timeline over the fed hours. */
function ticketChangeTimes(run: SeedRun, tickets: ReadonlySet<number>): Map<number, number[]> {
  const times = new Map<number, number[]>();
  for (const event of run.world.timeline(run.feed.from, run.feed.to)) {
    if (event.kind !== 'ticketUpdated' || !tickets.has(event.ticketId)) continue;
    const list = times.get(event.ticketId) ?? [];
    list.push(event.at);
    times.set(event.ticketId, list);
  }
  return times;
}
