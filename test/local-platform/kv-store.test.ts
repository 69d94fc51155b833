/**
 * Rule 3 — `$db`. Sources: runtime/keyvalue-store-docs.md (set/get/update/delete semantics,
 * ttl in seconds, setIf, key ≤ 60 chars, key + value ≤ 40 KB, value a non-empty JSON object,
 * empty strings/NaN/Infinity stored as null) and errors/keyvalue-store-errors.md (messages).
 */
import { ManualClock } from '../../tools/clock';
import { LocalPlatform, type PlatformFidelity } from '../../tools/local-platform';
import { removeApps, writeApp } from './helpers';

afterEach(removeApps);

async function load(clock = new ManualClock(), fidelity: Partial<PlatformFidelity> = {}) {
  const platform = await LocalPlatform.load({
    fidelity,
    appDir: writeApp({
      server: `exports = { onTicketCreateHandler: async function (args) {
        await $db.set('ticket:' + args.data.id, { seen: true });
        const value = await $db.get('ticket:' + args.data.id);
        try { await $db.get('missing'); } catch (e) { return { value, isObject: value instanceof Object, missing: e }; }
      } };`,
    }),
    iparams: {},
    clock,
    limits: { kvOpsPerMinute: 10_000 },
  });
  return { platform, db: platform.globals().db, clock };
}

describe('$db', () => {
  it('stores and reads JSON objects from server.js, and get of a missing key rejects with 404', async () => {
    const { platform } = await load();
    const result = await platform.trigger('onTicketCreate', { id: 5 });
    expect(result.value).toEqual({ value: { seen: true }, isObject: true, missing: { status: 404, message: 'Record not found' } });
    expect(platform.kvSnapshot()).toEqual({ 'ticket:5': { seen: true } });
  });

  it('answers set, update and delete with Created, Updated and Deleted', async () => {
    const { db } = await load();
    await expect(db.set('k', { a: 1 })).resolves.toEqual({ Created: true });
    await expect(db.update('k', 'set', { b: 2 })).resolves.toEqual({ Updated: true });
    await expect(db.delete('k')).resolves.toEqual({ Deleted: true });
    await expect(db.get('k')).rejects.toEqual({ status: 404, message: 'Record not found' });
    await expect(db.delete('never-there')).resolves.toEqual({ Deleted: true });
  });

  it('expires a key after ttl seconds on the clock; a negative ttl keeps it forever', async () => {
    const { db, clock } = await load();
    await db.set('short', { a: 1 }, { ttl: 1.5 });
    await db.set('forever', { a: 1 }, { ttl: -1 });
    clock.advance(1499);
    await expect(db.get('short')).resolves.toEqual({ a: 1 });
    clock.advance(1);
    await expect(db.get('short')).rejects.toEqual({ status: 404, message: 'Record not found' });
    clock.advance(10 ** 9);
    await expect(db.get('forever')).resolves.toEqual({ a: 1 });
  });

  it('honours setIf exist / not_exist', async () => {
    const { db } = await load();
    await expect(db.set('k', { a: 1 }, { setIf: 'exist' })).rejects.toEqual({ status: 400, message: 'The setIf conditional request failed' });
    await expect(db.set('k', { a: 1 }, { setIf: 'not_exist' })).resolves.toEqual({ Created: true });
    await expect(db.set('k', { a: 2 }, { setIf: 'not_exist' })).rejects.toEqual({ status: 400, message: 'The setIf conditional request failed' });
    await expect(db.set('k', { a: 3 }, { setIf: 'exist' })).resolves.toEqual({ Created: true });
    await expect(db.get('k')).resolves.toEqual({ a: 3 });
  });

  it('stores empty strings, NaN and Infinity as null at every depth', async () => {
    const { db } = await load();
    await db.set('k', { a: '', b: Number.NaN, c: { d: Infinity, e: [''] }, f: 'x' });
    await expect(db.get('k')).resolves.toEqual({ a: null, b: null, c: { d: null, e: [null] }, f: 'x' });
  });

  it.each([
    ['a blank key', '', { a: 1 }, undefined, 'The key cannot be blank'],
    ['a key over 60 characters', 'k'.repeat(61), { a: 1 }, undefined, 'Key length should not exceed 60 characters'],
    ['an empty object', 'k', {}, undefined, 'The value cannot be blank and should be of type JSON'],
    ['an array value', 'k', [1], undefined, 'The value cannot be blank and should be of type JSON'],
    ['a string value', 'k', 'text', undefined, 'The value cannot be blank and should be of type JSON'],
    ['key + value over 40 KB', 'k', { big: 'x'.repeat(40 * 1024) }, undefined, 'The combined size of the key and value should not exceed 40KB'],
    ['a zero ttl', 'k', { a: 1 }, { ttl: 0 }, 'Time to live(ttl) should be of type float and a non-zero value'],
    ['a string ttl', 'k', { a: 1 }, { ttl: '5' }, 'Time to live(ttl) should be of type float and a non-zero value'],
    ['an unknown setIf', 'k', { a: 1 }, { setIf: 'maybe' }, "setIf should be either 'exist' or 'not_exist'"],
  ])('rejects set with %s', async (_what, key, value, options, message) => {
    const { db } = await load();
    await expect(db.set(key, value, options)).rejects.toEqual({ status: 400, message });
  });

  it('accepts a value of exactly 40 KB together with its key', async () => {
    const { db } = await load();
    const overhead = Buffer.byteLength(JSON.stringify({ big: '' })) + 1;
    await expect(db.set('k', { big: 'x'.repeat(40 * 1024 - overhead) })).resolves.toEqual({ Created: true });
  });

  describe('update', () => {
    it('increments top-level numbers, adding missing attributes and creating a missing key', async () => {
      const { db } = await load();
      await db.update('count', 'increment', { n: 2 });
      await db.update('count', 'increment', { n: -1, m: 5 });
      await expect(db.get('count')).resolves.toEqual({ n: 1, m: 5 });
    });

    it('appends to top-level arrays, adding missing attributes and creating a missing key', async () => {
      const { db } = await load();
      await db.update('list', 'append', { ids: [1] });
      await db.update('list', 'append', { ids: [2, 3], other: ['x'] });
      await expect(db.get('list')).resolves.toEqual({ ids: [1, 2, 3], other: ['x'] });
    });

    it('sets nested attributes by dot path and removes them by dot path', async () => {
      const { db } = await load();
      await db.set('agent', { logs: { t1: { time: 0 } }, name: 'a' });
      await db.update('agent', 'set', { 'logs.t1.time': 500, 'logs.t2.time': 1, name: '' });
      await expect(db.get('agent')).resolves.toEqual({ logs: { t1: { time: 500 }, t2: { time: 1 } }, name: null });
      await db.update('agent', 'remove', ['logs.t1', 'name', 'no.such.path']);
      await expect(db.get('agent')).resolves.toEqual({ logs: { t2: { time: 1 } } });
    });

    it('keeps the key\'s ttl', async () => {
      const { db, clock } = await load();
      await db.set('k', { n: 1 }, { ttl: 10 });
      await db.update('k', 'increment', { n: 1 });
      clock.advance(10_000);
      await expect(db.get('k')).rejects.toEqual({ status: 404, message: 'Record not found' });
    });

    it.each([
      ['increment with a string', 'increment', { n: 'x' }, 400, 'The value passed to increment should be of type number'],
      ['increment of a non-number attribute', 'increment', { s: 1 }, 400, 'The value passed to increment should be of type number'],
      ['append with an empty array', 'append', { ids: [] }, 400, 'The value passed to append should be of type array and should not be an empty array'],
      ['append to a non-array attribute', 'append', { s: ['x'] }, 400, 'The value passed to append should be of type array and should not be an empty array'],
      ['empty attributes', 'increment', {}, 400, 'Attributes object cannot be empty and should be of type JSON or Array'],
      ['a blank attribute name', 'increment', { '': 1 }, 400, 'The keys or paths inside attributes object cannot be blank'],
      ['set with empty attributes', 'set', {}, 400, 'Attributes object cannot be empty and should be of type JSON or Array'],
      ['set with a blank path segment', 'set', { 'a..b': 1 }, 400, 'The keys or paths inside attributes object cannot be blank'],
      ['remove with an object', 'remove', { a: 1 }, 400, 'The attributes object passed to remove action should be of type array'],
      ['remove with a blank path', 'remove', [''], 400, 'The keys or paths inside attributes object cannot be blank'],
      ['an unknown action', 'multiply', { n: 2 }, 400, "Invalid update action 'multiply': use increment, append, set or remove"],
    ])('rejects %s', async (_what, action, attributes, status, message) => {
      const { db } = await load();
      await db.set('k', { s: 'text', n: 1 });
      await expect(db.update('k', action, attributes)).rejects.toEqual({ status, message });
    });

    it('creates a missing key on set, as the FDK local store does', async () => {
      const { db } = await load();
      await expect(db.update('missing', 'set', { 'a.b': 1, c: 'x' })).resolves.toEqual({ Updated: true });
      await expect(db.get('missing')).resolves.toEqual({ a: { b: 1 }, c: 'x' });
    });

    it('answers 400 to remove on a missing key', async () => {
      const { db } = await load();
      await expect(db.update('missing', 'remove', ['a'])).rejects.toEqual({ status: 400, message: 'The key to remove attributes from does not exist' });
    });

    it.each([['set', { a: 1 }], ['remove', ['a']]])('rejects %s on a missing key with 404 when fidelity.fdkUpdateSemantics is off', async (action, attributes) => {
      const { db } = await load(undefined, { fdkUpdateSemantics: false });
      await expect(db.update('missing', action, attributes)).rejects.toEqual({ status: 404, message: 'Record not found' });
    });

    it('rejects an update that grows the value past 40 KB', async () => {
      const { db } = await load();
      await db.set('k', { a: 'x'.repeat(30 * 1024) });
      await expect(db.update('k', 'set', { b: 'y'.repeat(11 * 1024) })).rejects.toEqual({
        status: 400, message: 'The combined size of the key and value should not exceed 40KB',
      });
    });
  });
});
