/**
 * Writes the COPY streams of one batch on an open transaction and hashes exactly the bytes sent: table frames and
 * COPY text in `BATCH_TABLES` order (synthetic-farm.md §7).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { TableEncoding } from './batch-data.js';
import { copyChunks, SeedCancelledError, type CopyOptions } from './copy.js';
import { hashFrame } from './tables.js';

export interface WrittenTables {
  /** SHA-256 (hex) of the batch's COPY streams. */
  hash: string;
  rowsByTable: Map<string, number>;
}

/**
 * Stream every table of `encodings` into the database on `client` (which must be inside a transaction).
 * @throws SeedCancelledError when `options.shouldCancel` turns true between chunks
 */
export async function writeTables(client: pg.ClientBase, encodings: readonly TableEncoding[], options: CopyOptions = {}): Promise<WrittenTables> {
  const hash = createHash('sha256');
  const rowsByTable = new Map<string, number>();
  for (const { spec, chunks } of encodings) {
    if (options.shouldCancel?.()) throw new SeedCancelledError();
    hash.update(hashFrame(spec.table));
    const iterator = chunks[Symbol.iterator]();
    const first = iterator.next();
    if (first.done) {
      rowsByTable.set(spec.table, 0);
      continue;
    }
    const rest = { [Symbol.iterator]: () => iterator };
    const all = (function* () {
      yield first.value;
      yield* rest;
    })();
    const columns = spec.columns.map((column) => `"${column}"`).join(', ');
    const rows = await copyChunks(client, `copy "${spec.table}" (${columns}) from stdin`, all, {
      shouldCancel: options.shouldCancel,
      onBytes: (bytes) => hash.update(bytes),
      onChunk: options.onChunk,
    });
    rowsByTable.set(spec.table, rows);
  }
  return { hash: hash.digest('hex'), rowsByTable };
}
