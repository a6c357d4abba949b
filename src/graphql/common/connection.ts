import { GraphQLError } from 'graphql';
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Whether items precede this page (true when `after` was given).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of the page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item; pass it as `after` for the next page.' })
  endCursor!: string | null;
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  /** Evaluated only when a client selects `totalCount`. */
  countTotal: () => Promise<number>;
}

/** A page from its edges: `hasMore` when the query found a row past the page, `after` when it began at a cursor. */
export function pageOf<T>(
  edges: Array<{ cursor: string; node: T }>,
  hasMore: boolean,
  after: string | null | undefined,
  countTotal: () => Promise<number>,
): Page<T> {
  return {
    edges,
    pageInfo: {
      hasNextPage: hasMore,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    countTotal,
  };
}

/**
 * Builds `<Name>Connection` and `<Name>Edge` object types for a node type. `totalCount` is a method field, so
 * the count query runs only when the field is selected (data-model.md §6.1).
 */
export function connectionOf<T extends object>(name: string, nodeType: ClassType<T>, description: string) {
  @ObjectType(`${name}Edge`, { description: `An edge of a ${name} connection.` })
  class Edge {
    @Field(() => String, { description: 'Opaque keyset cursor of this item.' })
    cursor!: string;

    @Field(() => nodeType, { description: 'The item.' })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description })
  class Connection {
    constructor(private readonly page: Page<T>) {}

    @Field(() => [Edge], { description: 'Items of this page with their cursors.' })
    get edges(): Edge[] {
      return this.page.edges as Edge[];
    }

    @Field(() => [nodeType], { description: 'Items of this page (shortcut for edges.node).' })
    get nodes(): T[] {
      return this.page.edges.map((edge) => edge.node);
    }

    @Field(() => PageInfo, { description: 'Paging information.' })
    get pageInfo(): PageInfo {
      return this.page.pageInfo;
    }

    @Field(() => Int, { description: 'Number of items matching the filter, over all pages (costs one count query).' })
    totalCount(): Promise<number> {
      return this.page.countTotal();
    }
  }
  return Connection;
}

/** Keyset cursor: the sort values and the id of the last item seen. */
export interface Cursor {
  values: Array<string | number | null>;
  id: number;
  /** Signature of the order the cursor was issued for (see `orderSignature`); absent for fixed-order lists. */
  order?: string;
}

/** A short signature of a list's order, carried in its cursors so a cursor of another `orderBy` is refused. */
export function orderSignature(keys: readonly string[]): string {
  // FNV-1a: short and stable; a collision only lets a wrong cursor through to a (still valid) seek predicate.
  let hash = 0x811c9dc5;
  for (const char of keys.join('|')) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(36);
}

export function encodeCursor(cursor: Cursor): string {
  const parts: unknown[] = [cursor.values, cursor.id];
  if (cursor.order !== undefined) parts.push(cursor.order);
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

const isCursorValue = (value: unknown) => value === null || typeof value === 'string' || typeof value === 'number';

/**
 * Decodes a cursor from user input; a malformed one, or one issued for another order (`order`: the list's
 * `orderSignature`), is a client error with a clear message.
 */
export function decodeCursor(raw: string, expectedValues: number, order?: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === (order === undefined ? 2 : 3) &&
      Array.isArray(parsed[0]) &&
      parsed[0].length === expectedValues &&
      parsed[0].every(isCursorValue) &&
      Number.isSafeInteger(parsed[1]) &&
      parsed[2] === order
    ) {
      return { values: parsed[0], id: parsed[1], order };
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursorError();
}

/** The client error for a cursor that was not issued by the same list with the same orderBy. */
export function invalidCursorError(): GraphQLError {
  return new GraphQLError('Invalid cursor passed as `after` (cursors are only valid with the same orderBy)', {
    extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' },
  });
}

/** Page-size caps of data-model.md §6.1. */
export const PAGE_SIZE = { default: 50, maxEntities: 200, maxEvents: 500 } as const;

export function resolvePageSize(first: number | null | undefined, max: number): number {
  if (first == null) return Math.min(PAGE_SIZE.default, max);
  if (!Number.isInteger(first) || first < 0 || first > max) {
    throw new GraphQLError(`\`first\` must be between 0 and ${max}, got ${first}`, {
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' },
    });
  }
  return first;
}
