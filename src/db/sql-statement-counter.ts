import { DefaultLogger, type LogContext, type LoggerOptions } from '@mikro-orm/core';

/**
 * Counts SQL statements per request id. MikroORM deep-copies `loggerContext` on fork, so a counter object
 * cannot ride along; the logger looks the request id up here instead (STACK.md pitfall 6).
 */
const counts = new Map<string, number>();

export const sqlStatementCounter = {
  start(requestId: string): void {
    counts.set(requestId, 0);
  },
  /** Returns the count and forgets the request. */
  finish(requestId: string): number {
    const count = counts.get(requestId) ?? 0;
    counts.delete(requestId);
    return count;
  },
  peek(requestId: string): number {
    return counts.get(requestId) ?? 0;
  },
};

export class CountingLogger extends DefaultLogger {
  constructor(options: LoggerOptions) {
    super(options);
  }

  override logQuery(context: { query: string } & LogContext): void {
    const requestId = (context as { requestId?: unknown }).requestId;
    if (typeof requestId === 'string' && counts.has(requestId)) counts.set(requestId, counts.get(requestId)! + 1);
    super.logQuery(context);
  }
}
