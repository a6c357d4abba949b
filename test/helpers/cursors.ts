/**
 * A cursor like `cursor` (same id and order signature) holding other sort values: how a client would forge one to
 * probe the keyset predicate, past the order check.
 */
export function withCursorValues(cursor: string, values: unknown[]): string {
  const [, id, ...order] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, number, ...string[]];
  return Buffer.from(JSON.stringify([values, id, ...order]), 'utf8').toString('base64url');
}
