import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

export interface RequestScope {
  requestId: string;
}

/** Carries the request id through async work so every log line of a request carries it. */
export const requestScope = new AsyncLocalStorage<RequestScope>();

/** Structured JSON logs (pino); lines written inside a request get its `requestId`. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'aquagraph' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const scope = requestScope.getStore();
        return scope ? { requestId: scope.requestId } : {};
      },
    },
    destination,
  );
}
