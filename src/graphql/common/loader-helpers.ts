import type { EntityClass, QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { findReadOnlyIn } from '../../db/read-only-entities.js';
import DataLoader from 'dataloader';

interface WithId {
  id: number;
}

/** `WHERE id = ANY(keys)`: one statement per batch of keys, results in key order (null when missing). */
export function byIdLoader<T extends WithId>(em: EntityManager, entity: EntityClass<T>): DataLoader<number, T | null> {
  return new DataLoader<number, T | null>(async (ids) => {
    const rows = await findReadOnlyIn(em, entity, 'id' as keyof T & string, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * Children by a foreign key: `WHERE fk = ANY(keys) ORDER BY …`, one statement per batch of parent ids.
 * `foreignKey` names a ManyToOne property of the child.
 */
export function childrenLoader<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  foreignKey: keyof T & string,
  orderBy: QueryOrderMap<T>,
): DataLoader<number, T[]> {
  return new DataLoader<number, T[]>(async (parentIds) => {
    const rows = await findReadOnlyIn(em, entity, foreignKey, parentIds, { orderBy });
    const groups = new Map<number, T[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) {
      const parent = row[foreignKey] as unknown as WithId | null;
      if (parent) groups.get(parent.id)?.push(row);
    }
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

/** Id of a ManyToOne reference without loading it (MikroORM references always carry their primary key). */
export function refId(reference: WithId | null | undefined): number | null {
  return reference ? reference.id : null;
}

/**
 * Groups items by a key, keeping their order. Loaders use it to answer keys that share their arguments with one
 * statement, and to hand each parent its rows.
 */
export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
