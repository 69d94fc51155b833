/**
 * The kinds of outbox record, one letter each as stored, and what losing one means. The tagged
 * union of records (intake/outbox.ts `OutboxRecord`) is keyed by these letters, and every
 * per-kind table is a `Record<RecordKind, …>`: adding a kind here fails to compile until each
 * place says what it does with it (test/delivery/record-kinds.test.ts shows it with
 * `@ts-expect-error`). Nothing falls back to "a ticket" for a kind it does not know.
 */
export const RECORD_KINDS = {
  t: 'ticket created',
  u: 'ticket updated',
  c: 'reply',
  e: 'time entry',
  a: 'agent status',
} as const;

export type RecordKind = keyof typeof RECORD_KINDS;

/** The stored letters, for schemas and for telling a known kind from an unknown one. */
export const RECORD_KIND_LETTERS = Object.keys(RECORD_KINDS) as RecordKind[];

export function isRecordKind(value: unknown): value is RecordKind {
  return typeof value === 'string' && Object.hasOwn(RECORD_KINDS, value);
}

/**
 * What is lost with a record no store took (gaps.ts counts it so): a `contact` is a contact
 * known lost (its interval counts it); a `fact` may make other contacts wrong (a reply's group,
 * a handled contact's duration, an agent's interval), so it marks the interval without a count.
 */
export type LossClass = 'contact' | 'fact';

export const LOSS_CLASS: Readonly<Record<RecordKind, LossClass>> = { t: 'contact', c: 'contact', u: 'fact', e: 'fact', a: 'fact' };

/** Whether a record of this kind says which group and source a ticket has (replies wait for late ones). */
export const DECIDES_ATTRIBUTION: Readonly<Record<RecordKind, boolean>> = { t: true, u: true, c: false, e: false, a: false };
