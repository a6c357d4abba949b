import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(config.database.url).toBeUndefined();
    expect(config.database.embedded.dataDir).toBe('/srv/app/.data/pg');
    expect(config.logLevel).toBe('info');
    expect(Object.isFrozen(config.database.embedded)).toBe(true);
  });

  it('reads overrides', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      AQUAGRAPH_TOKENS: 'ops:OPERATOR:0123456789abcdef',
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      LOG_LEVEL: 'debug',
    });
    expect(config.http.port).toBe(8080);
    expect(config.database.url).toBe('postgres://u:p@db:5432/x');
  });

  it('names every invalid variable in one message', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(/PORT/);
      expect(message).toMatch(/DATABASE_URL must be a postgres/);
      expect(message).toMatch(/LOG_LEVEL/);
    }
  });

  it('keeps idempotency keys 30 days unless IDEMPOTENCY_KEY_TTL_DAYS says otherwise (1–3650)', () => {
    expect(loadConfig({}).worker.idempotencyKeyTtlDays).toBe(30);
    expect(loadConfig({ IDEMPOTENCY_KEY_TTL_DAYS: '2' }).worker.idempotencyKeyTtlDays).toBe(2);
    expect(() => loadConfig({ IDEMPOTENCY_KEY_TTL_DAYS: '0' })).toThrow(/IDEMPOTENCY_KEY_TTL_DAYS must be between 1 and 3650/);
  });

  it('rejects out-of-range ports', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be between 0 and 65535/);
  });

  it('leaves the worker metrics listener off unless WORKER_METRICS_PORT is set; 0 picks a free port', () => {
    expect(loadConfig({}).worker.metricsHttp).toBeNull();
    expect(loadConfig({ WORKER_METRICS_PORT: '' }).worker.metricsHttp).toBeNull();
    expect(loadConfig({ WORKER_METRICS_PORT: '0' }).worker.metricsHttp).toEqual({ host: '127.0.0.1', port: 0 });
    expect(loadConfig({ WORKER_METRICS_PORT: '9464', WORKER_METRICS_HOST: '::1' }).worker.metricsHttp).toEqual({ host: '::1', port: 9464 });
  });

  it('rejects a bad WORKER_METRICS_PORT with one clear line', () => {
    for (const [value, problem] of [
      ['metrics', 'must be a number'],
      ['9464.5', 'must be an integer'],
      ['70000', 'must be between 0 and 65535'],
      ['-1', 'must be between 0 and 65535'],
    ] as const) {
      const attempt = () => loadConfig({ WORKER_METRICS_PORT: value });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(`Invalid configuration: WORKER_METRICS_PORT ${problem}`);
      try {
        attempt();
      } catch (error) {
        expect((error as ConfigError).problems).toEqual([`WORKER_METRICS_PORT ${problem}`]);
        expect((error as ConfigError).message).not.toContain('\n');
      }
    }
  });

  it('keeps the worker metrics listener on loopback without tokens unless METRICS_PUBLIC=true', () => {
    expect(() => loadConfig({ WORKER_METRICS_PORT: '9464', WORKER_METRICS_HOST: '0.0.0.0' })).toThrow(
      /WORKER_METRICS_HOST must be a loopback address .* while AQUAGRAPH_TOKENS is empty/,
    );
    expect(() => loadConfig({ WORKER_METRICS_PORT: '9464', WORKER_METRICS_HOST: '' })).toThrow(/WORKER_METRICS_HOST must not be empty/);
    const host = { WORKER_METRICS_PORT: '9464', WORKER_METRICS_HOST: '0.0.0.0' };
    expect(loadConfig({ ...host, METRICS_PUBLIC: 'true' }).worker.metricsHttp).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(loadConfig({ ...host, AQUAGRAPH_TOKENS: 'ops:VIEWER:0123456789abcdef' }).worker.metricsHttp?.host).toBe('0.0.0.0');
    // Unused without a port.
    expect(loadConfig({ WORKER_METRICS_HOST: '0.0.0.0' }).worker.metricsHttp).toBeNull();
  });
});
