/**
 * A step's share of the KV store (issue 20 item 4): the platform allows 50 operations a minute per
 * installation, shared with every event handler and delivery run. A walk step counts what it
 * spends through this wrapper and plans its next unit of work only while the budget allows it.
 */
import type { KeyValueStore, KvSetOptions, KvUpdateAction, KvValue } from '../platform/types';

export class CountedStore implements KeyValueStore {
  ops = 0;

  constructor(
    private readonly inner: KeyValueStore,
    readonly budget: number,
  ) {}

  /** Operations left in this step's budget (never negative). */
  left(): number {
    return Math.max(0, this.budget - this.ops);
  }

  set(key: string, value: KvValue, options?: KvSetOptions): Promise<{ Created: boolean }> {
    this.ops += 1;
    return this.inner.set(key, value, options);
  }

  get(key: string): Promise<KvValue> {
    this.ops += 1;
    return this.inner.get(key);
  }

  delete(key: string): Promise<{ Deleted: boolean }> {
    this.ops += 1;
    return this.inner.delete(key);
  }

  update(key: string, action: KvUpdateAction, attributes: Record<string, unknown> | string[], options?: KvSetOptions): Promise<{ Updated: boolean }> {
    this.ops += 1;
    return this.inner.update(key, action, attributes, options);
  }
}
