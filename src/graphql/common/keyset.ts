import type { EntityClass, EntityManager, FilterQuery } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/postgresql';
import { findReadOnly, mapReadOnly } from '../../db/read-only-entities.js';
import { decodeCursor, encodeCursor, invalidCursorError, orderSignature, pageOf, type Page } from './connection.js';
import { SortDirection } from './sort.js';

/** One sort key of a keyset-paginated list; the id tie-breaker is appended automatically. */
export interface OrderKey<T> {
  property: keyof T & string;
  direction: SortDirection;
  /** Value stored in the cursor (must be non-null for the keyset predicate to be exact). */
  read: (row: T) => string | number;
  /**
   * Optional check of this key's value in a cursor from the client: a forged cursor, or one issued under another
   * orderBy, is then rejected as invalid instead of failing as a bad cast in SQL.
   */
  accepts?: (value: string | number | null) => boolean;
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
  const signature = orderSignature(order.map((key) => `${key.property} ${key.direction}`));
  if (after) {
    const cursor = decodeCursor(after, order.length, signature);
    if (order.some((key, i) => key.accepts && !key.accepts(cursor.values[i]!))) throw invalidCursorError();
    filter = { $and: [where, seekPredicate(keys, [...cursor.values, cursor.id])] } as FilterQuery<T>;
  }
  const orderBy = keys.map((key) => ({ [key.property]: key.direction === SortDirection.ASC ? 'asc' : 'desc' }));
  const rows = first === 0 ? [] : await findReadOnly(em as SqlEntityManager, entity, filter, { orderBy: orderBy as never, limit: first + 1 });
  const pageRows = rows.slice(0, first);
  const edges = pageRows.map((node) => ({
    node,
    cursor: encodeCursor({ values: order.map((key) => key.read(node)), id: node.id, order: signature }),
  }));
  return pageOf(edges, rows.length > first, after, () => em.count(entity, where));
}

/** k1 ≷ v1 OR (k1 = v1 AND (k2 ≷ v2 OR (k2 = v2 AND …))). */
function seekPredicate<T>(keys: OrderKey<T>[], values: Array<string | number | null>): object {
  const [key, ...rest] = keys;
  const [value, ...restValues] = values;
  const strictly = { [key!.property]: { [key!.direction === SortDirection.ASC ? '$gt' : '$lt']: value } };
  if (rest.length === 0) return strictly;
  return { $or: [strictly, { $and: [{ [key!.property]: value }, seekPredicate(rest, restValues)] }] };
}

/** An SQL fragment with `?` placeholders and its parameters, in placeholder order. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/** SQL types a raw keyset cursor value is cast back to (values travel as their text form, so nothing is rounded). */
export type SqlKeyType = 'bigint' | 'numeric' | 'date' | 'timestamptz' | 'text';

/** One sort key of a raw-SQL keyset page; the id tie-breaker (ascending) is appended automatically. */
export interface SqlOrderKey {
  /** Expression sorted on, over the relations of the page's FROM clause (e.g. `e.fed_at`). */
  sql: string;
  type: SqlKeyType;
  direction: SortDirection;
  /** Whether the expression may be null; nulls then sort last in both directions (and the cursor may hold null). */
  nullable?: boolean;
}

/** A keyset-paginated list over hand-written SQL (partitioned tables, derived sort keys). */
export interface SqlPageSpec<T> {
  entity: EntityClass<T>;
  /** The entity's columns, e.g. `e.*`; rows become read-only entity objects. */
  columns: string;
  /** FROM clause with its joins; its parameters come before those of the conditions. */
  from: SqlFragment;
  /** Conditions, all of which must hold. */
  where: SqlFragment[];
  order: SqlOrderKey[];
  /** The id column of the tie-breaker, e.g. `e.id`. */
  idColumn: string;
  /** Counts the matching rows when `totalCount` is selected; default `count(*)` over `from` and `where`. */
  countTotal?: () => Promise<number>;
}

/** `column in (?, …)` over a list of values; an empty list matches nothing. */
export function sqlIn(column: string, values: readonly unknown[]): SqlFragment {
  return values.length ? { sql: `${column} in (${values.map(() => '?').join(', ')})`, params: [...values] } : { sql: 'false', params: [] };
}

const KEY_TEXT: Record<SqlKeyType, (value: string) => boolean> = {
  bigint: (value) => /^-?\d{1,19}$/.test(value),
  numeric: (value) => /^-?\d{1,20}(\.\d{1,20})?$/.test(value),
  date: (value) => /^\d{4}-\d{2}-\d{2}$/.test(value),
  timestamptz: (value) => /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2}){0,2}|Z)$/.test(value),
  text: () => true,
};

/** Decodes a raw-SQL cursor, checking each value against its key so a forged one cannot reach the SQL as a bad cast. */
export function decodeSqlCursor(
  after: string,
  order: ReadonlyArray<Pick<SqlOrderKey, 'type' | 'nullable'>>,
  signature?: string,
): { values: Array<string | null>; id: number } {
  const cursor = decodeCursor(after, order.length, signature);
  const valid = cursor.values.every((value, i) =>
    value === null ? Boolean(order[i]!.nullable) : typeof value === 'string' && KEY_TEXT[order[i]!.type](value),
  );
  if (!valid) throw invalidCursorError();
  return { values: cursor.values as Array<string | null>, id: cursor.id };
}

/**
 * The keyset predicate "after the cursor" for keys with per-key directions and nulls last:
 * k1 ≷ v1 OR (k1 = v1 AND (…)) [OR k1 IS NULL], and for a null cursor value k1 IS NULL AND (…).
 */
function sqlSeekPredicate(order: SqlOrderKey[], values: Array<string | null>, idColumn: string, id: number): SqlFragment {
  const [key, ...rest] = order;
  if (!key) return { sql: `${idColumn} > ?`, params: [id] };
  const [value, ...restValues] = values;
  const tail = sqlSeekPredicate(rest, restValues, idColumn, id);
  if (value == null) return { sql: `(${key.sql} is null and ${tail.sql})`, params: tail.params };
  const cast = `?::${key.type}`;
  const beyond = `${key.sql} ${key.direction === SortDirection.ASC ? '>' : '<'} ${cast}`;
  const nulls = key.nullable ? ` or ${key.sql} is null` : '';
  return { sql: `(${beyond} or (${key.sql} = ${cast} and ${tail.sql})${nulls})`, params: [value, value, ...tail.params] };
}

const sqlOrderSignature = (order: readonly SqlOrderKey[]) =>
  orderSignature(order.map((key) => `${key.sql} ${key.direction}${key.nullable ? ' nulls last' : ''}`));

/** The SELECT of one page (`limit` rows) of a raw-SQL keyset list; exported so tests can EXPLAIN it. */
export function sqlPageQuery<T>(spec: SqlPageSpec<T>, limit: number, after?: string | null): SqlFragment {
  const conditions = [...spec.where];
  if (after) {
    const cursor = decodeSqlCursor(after, spec.order, sqlOrderSignature(spec.order));
    conditions.push(sqlSeekPredicate(spec.order, cursor.values, spec.idColumn, cursor.id));
    // Redundant with the predicate above, but a plain range on the leading key is what an index scan can use, and
    // what lets PostgreSQL prune partitions when the leading key is the partition key.
    const lead = spec.order[0];
    if (lead && !lead.nullable && cursor.values[0] != null) {
      conditions.push({ sql: `${lead.sql} ${lead.direction === SortDirection.ASC ? '>=' : '<='} ?::${lead.type}`, params: [cursor.values[0]] });
    }
  }
  const keys = spec.order.map((key, i) => `(${key.sql})::text as page_key_${i}`);
  const orderBy = [
    ...spec.order.map((key) => `${key.sql} ${key.direction === SortDirection.ASC ? 'asc' : 'desc'}${key.nullable ? ' nulls last' : ''}`),
    `${spec.idColumn} asc`,
  ];
  return {
    sql: `select ${[spec.columns, ...keys].join(', ')} from ${spec.from.sql}
      ${conditions.length ? `where ${conditions.map((c) => c.sql).join(' and ')}` : ''}
      order by ${orderBy.join(', ')} limit ?`,
    params: [...spec.from.params, ...conditions.flatMap((c) => c.params), limit],
  };
}

/**
 * Keyset pagination over hand-written SQL: one statement per page, the cursor holding each sort value's text form
 * (exact for timestamps and numerics) and the id. For lists the ORM cannot express: partitioned tables whose
 * partition key leads the sort (the cursor then bounds it, so partitions are pruned) and sort keys derived from
 * other tables.
 */
export async function sqlPaginate<T extends { id: number }>(
  em: SqlEntityManager,
  spec: SqlPageSpec<T>,
  first: number,
  after?: string | null,
): Promise<Page<T>> {
  const query = sqlPageQuery(spec, first + 1, after);
  const rows =
    first === 0 ? [] : await em.execute<Array<Record<string, unknown>>>(query.sql, query.params, 'all', em.getLoggerContext());
  const pageRows = rows.slice(0, first);
  const nodes = mapReadOnly(em, spec.entity, pageRows);
  const order = sqlOrderSignature(spec.order);
  const edges = pageRows.map((row, i) => {
    const node = nodes[i]!;
    const values = spec.order.map((_, k) => (row[`page_key_${k}`] ?? null) as string | null);
    return { node, cursor: encodeCursor({ values, id: node.id, order }) };
  });
  const countTotal =
    spec.countTotal ??
    (async () => {
      const where = spec.where.length ? `where ${spec.where.map((c) => c.sql).join(' and ')}` : '';
      const [row] = await em.execute<Array<{ n: number }>>(
        `select count(*)::int as n from ${spec.from.sql} ${where}`,
        [...spec.from.params, ...spec.where.flatMap((c) => c.params)],
        'all',
        em.getLoggerContext(),
      );
      return row?.n ?? 0;
    });
  return pageOf(edges, rows.length > first, after, countTotal);
}

/**
 * An ORM condition as an SQL condition on the id column of a raw-SQL page (`a.id in (select id … where …)`), so a
 * list can keep one filter written for the ORM and still sort on keys the ORM cannot express; null when empty.
 */
export function entityIdCondition<T extends object>(
  em: SqlEntityManager,
  entity: EntityClass<T>,
  where: FilterQuery<T>,
  idColumn: string,
): SqlFragment | null {
  if (Object.keys(where).length === 0) return null;
  const { sql, bindings } = em.createQueryBuilder(entity, 'f').select('f.id').where(where as never).getKnexQuery().toSQL();
  return { sql: `${idColumn} in (${sql})`, params: [...bindings] };
}
