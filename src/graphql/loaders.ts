import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import { byIdLoader } from './common/loader-helpers.js';

/**
 * Request-scoped DataLoaders (CONVENTIONS.md pattern 3). Feature modules define typed accessors in their
 * `*.loaders.ts` that memoise their loaders here, so a request builds only the loaders it uses.
 */
export class Loaders {
  private readonly loaders = new Map<unknown, DataLoader<never, unknown>>();

  constructor(readonly em: EntityManager) {}

  /** The `WHERE id = ANY(…)` loader of an entity. */
  byId<T extends { id: number }>(entity: EntityClass<T>): DataLoader<number, T | null> {
    return this.memoize(entity, () => byIdLoader(this.em, entity));
  }

  memoize<K, V>(key: unknown, create: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(key) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = create();
      this.loaders.set(key, loader as unknown as DataLoader<never, unknown>);
    }
    return loader;
  }
}
