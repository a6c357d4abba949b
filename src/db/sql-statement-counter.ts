import { DefaultLogger, type LogContext, type LoggerOptions } from '@mikro-orm/core';

/**
 * Counts SQL statements per request id. MikroORM deep-copies `loggerContext` on fork, so a counter object
 * cannot ride along; the logger looks the request id up here instead (STACK.md pitfall 6).
 */
interface Tally {
  count: number;
  /** Statement texts, kept only when asked (tests that classify statements). */
  statements?: string[];
}
const tallies = new Map<string, Tally>();

export const sqlStatementCounter = {
  start(requestId: string, options: { record?: boolean } = {}): void {
    tallies.set(requestId, { count: 0, statements: options.record ? [] : undefined });
  },
  /** Returns the count and forgets the request. */
  finish(requestId: string): number {
    const count = tallies.get(requestId)?.count ?? 0;
    tallies.delete(requestId);
    return count;
  },
  /** Statements recorded so far (when started with `record`). */
  statements(requestId: string): string[] {
    return tallies.get(requestId)?.statements ?? [];
  },
};

export class CountingLogger extends DefaultLogger {
  constructor(options: LoggerOptions) {
    super(options);
  }

  override logQuery(context: { query: string } & LogContext): void {
    const requestId = (context as { requestId?: unknown }).requestId;
    const tally = typeof requestId === 'string' ? tallies.get(requestId) : undefined;
    if (tally) {
      tally.count++;
      tally.statements?.push(context.query);
    }
    super.logQuery(context);
  }
}
