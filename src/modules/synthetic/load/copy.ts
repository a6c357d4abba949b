/**
 * COPY … FROM STDIN through the pg driver (pg-copy-streams): one stream per table, written chunk by chunk with
 * back-pressure. A cancellation check runs between chunks; a cancelled stream sends CopyFail, so the server rolls
 * the statement back and the caller's transaction can only roll back.
 */
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CopyChunk } from './batch-data.js';

/** Thrown when a seed run is cancelled while a batch is being written. */
export class SeedCancelledError extends Error {
  override name = 'SeedCancelledError';

  constructor(message = 'seed run cancelled') {
    super(message);
  }
}

export interface CopyOptions {
  /** Checked between chunks; true aborts the COPY with SeedCancelledError. */
  shouldCancel?: () => boolean;
  /** Called with each buffer of each chunk as it is handed to the driver. */
  onBytes?: (bytes: Buffer) => void;
  /** Called after each chunk has been handed to the driver. */
  onChunk?: (chunk: CopyChunk) => void;
}

/**
 * Stream `chunks` into `sql` (a `COPY … FROM STDIN` statement) on `client`.
 * @returns rows written, as reported by the server
 */
export async function copyChunks(client: pg.ClientBase, sql: string, chunks: Iterable<CopyChunk>, options: CopyOptions = {}): Promise<number> {
  const stream = client.query(copyFrom(sql));
  let failure: Error | null = null;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', (error: Error) => {
      failure = error;
      reject(error);
    });
  });
  // Errors surface through `done`; until it is awaited, a rejection must not count as unhandled.
  done.catch(() => undefined);
  try {
    for (const chunk of chunks) {
      if (failure) break;
      if (options.shouldCancel?.()) throw new SeedCancelledError();
      let flowing = true;
      for (const bytes of chunk.parts) {
        options.onBytes?.(bytes);
        flowing = stream.write(bytes);
      }
      options.onChunk?.(chunk);
      if (!flowing) {
        await Promise.race([new Promise<void>((resolve) => stream.once('drain', resolve)), done]);
      }
    }
    if (options.shouldCancel?.()) throw new SeedCancelledError();
  } catch (error) {
    stream.destroy(error as Error);
    await done.catch(() => undefined);
    throw error;
  }
  stream.end();
  await done;
  return stream.rowCount;
}
