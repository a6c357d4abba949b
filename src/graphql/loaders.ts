import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { byIdLoader } from './common/loader-helpers.js';

/**
 * Request-scoped DataLoaders (CONVENTIONS.md pattern 3). Feature modules define typed accessors in their
 * `*.loaders.ts` that memoise their loaders here, so a request builds only the loaders it uses.
 */
export class Loaders {
  private readonly loaders = new Map<unknown, DataLoader<never, unknown>>();

  /**
   * @param batching false resolves every key with its own statement (what per-item field resolvers would cost);
   * only the API benchmark uses it, as the baseline the loaders are measured against.
   */
  constructor(
    readonly em: EntityManager,
    private readonly batching = true,
  ) {}

  /** The `WHERE id = ANY(…)` loader of an entity. */
  byId<T extends { id: number }>(entity: EntityClass<T>): DataLoader<number, T | null> {
    return this.memoize(entity, () => byIdLoader(this.em, entity));
  }

  /**
   * The row a non-null relation points to (a foreign key guarantees it exists). Returned as the loader's promise,
   * not awaited in an async resolver: for thousands of rows per page the extra promise and ticks were measurable.
   */
  required<T extends { id: number }>(entity: EntityClass<T>, id: number): Promise<T> {
    return this.byId(entity).load(id) as Promise<T>;
  }

  memoize<K, V>(key: unknown, create: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(key) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = this.batching ? create() : new DataLoader<K, V>((keys) => Promise.all(keys.map((k) => create().load(k))), { batch: false, cache: false });
      this.loaders.set(key, loader as unknown as DataLoader<never, unknown>);
    }
    return loader;
  }
}
