import type { EntityClass, EntityManager, FilterQuery } from '@mikro-orm/core';
import { decodeCursor, encodeCursor, type Page } from './connection.js';
import { SortDirection } from './sort.js';

/** One sort key of a keyset-paginated list; the id tie-breaker is appended automatically. */
export interface OrderKey<T> {
  property: keyof T & string;
  direction: SortDirection;
  /** Value stored in the cursor (must be non-null for the keyset predicate to be exact). */
  read: (row: T) => string | number;
}

/**
 * Keyset ("seek") pagination over entity columns: `(k1, k2, …, id) > (cursor)` respecting each direction, so a
 * page costs one indexed range scan whatever its depth (offset pagination would rescan skipped rows).
 */
export async function paginate<T extends { id: number }>(
  em: EntityManager,
  entity: EntityClass<T>,
  where: FilterQuery<T>,
  order: OrderKey<T>[],
  first: number,
  after?: string | null,
): Promise<Page<T>> {
  const keys = [...order, { property: 'id', direction: SortDirection.ASC, read: (row: T) => row.id } as OrderKey<T>];
  let filter = where;
  if (after) {
    const cursor = decodeCursor(after, order.length);
    filter = { $and: [where, seekPredicate(keys, [...cursor.values, cursor.id])] } as FilterQuery<T>;
  }
  const orderBy = keys.map((key) => ({ [key.property]: key.direction === SortDirection.ASC ? 'asc' : 'desc' }));
  const rows = first === 0 ? [] : await em.find(entity, filter, { orderBy: orderBy as never, limit: first + 1 });
  const pageRows = rows.slice(0, first);
  const edges = pageRows.map((node) => ({
    node,
    cursor: encodeCursor({ values: order.map((key) => key.read(node)), id: node.id }),
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    countTotal: () => em.count(entity, where),
  };
}

/** k1 ≷ v1 OR (k1 = v1 AND (k2 ≷ v2 OR (k2 = v2 AND …))). */
function seekPredicate<T>(keys: OrderKey<T>[], values: Array<string | number | null>): object {
  const [key, ...rest] = keys;
  const [value, ...restValues] = values;
  const strictly = { [key!.property]: { [key!.direction === SortDirection.ASC ? '$gt' : '$lt']: value } };
  if (rest.length === 0) return strictly;
  return { $or: [strictly, { $and: [{ [key!.property]: value }, seekPredicate(rest, restValues)] }] };
}
