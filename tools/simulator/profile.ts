/**
 * The account a seed draws (issue 19): how many groups and sources, how busy, which opt-in
 * features, and which hours of its day the simulator feeds. Everything follows from (seed, profile).
 */
import { createRandom, type Random } from '../local-freshdesk/random';
import { DEFAULT_SOURCE_CHOICES } from '../local-freshdesk/world';

export type ProfileName = 'small' | 'large' | 'huge';
export const PROFILES: readonly ProfileName[] = ['small', 'large', 'huge'];

export interface Account {
  seed: number;
  profile: ProfileName;
  ticketsPerDay: number;
  /** Drawn groups (WorldOptions.groups); renames and deletions fall inside the feed. */
  groups: { count: number; renames: number; deletions: number };
  /** label → id: some of Freshdesk's default sources and some custom ones (ids from 101). */
  sourceChoices: Record<string, number>;
  /** 0–4 replies per ticket (WorldOptions.maxRepliesPerTicket). */
  maxRepliesPerTicket: number;
  hourlyProfile: 'business' | 'flat';
  replyScope: 'customer' | 'all_public';
  /** The opt-in features (issue 14), on in some seeds. */
  handledContacts: boolean;
  agentStatuses: boolean;
  /** ISO: the world starts here and so does the feed (a fresh install: no history before). */
  start: string;
  /** Hours of the account's day fed to the app, from `start` (the busy hours). */
  feedHours: number;
}

interface ProfileShape {
  tickets: [number, number];
  groups: [number, number];
  sources: [number, number];
  feedHours: number;
  /** UTC hour the feed starts at (the business profile is busiest from 9 to 11). */
  startHour: number;
  hourlyProfile: 'business' | 'flat';
}

/**
 * Feed hours per profile: chosen so that `npm test`'s 20 small and 20 large seeds finish in
 * well under three minutes on two cores (see test/simulator/seeds.test.ts for the measured time),
 * and always over the busiest hours of the business profile.
 */
export const PROFILE_SHAPES: Readonly<Record<ProfileName, ProfileShape>> = {
  small: { tickets: [500, 3000], groups: [1, 4], sources: [1, 4], feedHours: 2, startHour: 9, hourlyProfile: 'business' },
  large: { tickets: [3000, 12_000], groups: [12, 80], sources: [3, 8], feedHours: 1, startHour: 10, hourlyProfile: 'business' },
  huge: { tickets: [12_000, 20_000], groups: [100, 500], sources: [8, 14], feedHours: 2, startHour: 10, hourlyProfile: 'flat' },
};

/** The simulator's own streams, apart from the world's tags (1–12). */
export const SIM_TAG = { account: 1901, faults: 1902, delivery: 1903, kv: 1904, requests: 1905, schedules: 1906, crashes: 1907, warm: 1908 } as const;

export function between(random: Random, [low, high]: readonly [number, number]): number {
  return low + Math.floor(random() * (high - low + 1));
}

const CUSTOM_SOURCE_LABELS = ['WhatsApp Business', 'Walk-in / Kiosk', 'Partner Portal (EMEA)', 'Field Service App', 'Retail Store Kiosk', 'Voice Bot Escalation'];

/** A Monday: the business profile's weekday. */
const FIRST_DAY = '2026-11-02';

export function drawAccount(seed: number, profile: ProfileName): Account {
  const shape = PROFILE_SHAPES[profile];
  const random = createRandom(seed, SIM_TAG.account);
  const ticketsPerDay = between(random, shape.tickets);
  const groupCount = between(random, shape.groups);
  const sourceCount = between(random, shape.sources);
  // Defaults first (email is almost always there), then custom sources with their own labels.
  const defaults = Object.entries(DEFAULT_SOURCE_CHOICES).filter(([, id]) => id <= 12);
  const picked = new Map<string, number>();
  picked.set('Email', 1);
  while (picked.size < sourceCount) {
    if (random() < 0.25) {
      const label = CUSTOM_SOURCE_LABELS[Math.floor(random() * CUSTOM_SOURCE_LABELS.length)] ?? 'Custom';
      if (![...picked.keys()].includes(label)) picked.set(label, 101 + CUSTOM_SOURCE_LABELS.indexOf(label));
    } else {
      const [label, id] = defaults[Math.floor(random() * defaults.length)] ?? ['Email', 1];
      picked.set(label, id);
    }
  }
  const renameShare = 0.05 + 0.15 * random();
  const deleteShare = 0.02 + 0.08 * random();
  const optIn = random();
  return {
    seed,
    profile,
    ticketsPerDay,
    groups: {
      count: groupCount,
      renames: Math.round(groupCount * renameShare + random() * 0.8),
      deletions: Math.min(groupCount - 1, Math.round(groupCount * deleteShare + random() * 0.6)),
    },
    sourceChoices: Object.fromEntries(picked),
    maxRepliesPerTicket: 4,
    hourlyProfile: shape.hourlyProfile,
    replyScope: random() < 0.8 ? 'customer' : 'all_public',
    handledContacts: optIn < 0.3,
    agentStatuses: optIn > 0.15 && optIn < 0.45,
    start: `${FIRST_DAY}T${String(shape.startHour).padStart(2, '0')}:00:00Z`,
    feedHours: shape.feedHours,
  };
}
