import { describe, expect, it } from 'vitest';
import { RateEstimator } from './progress.js';
import { computeRunHash } from './run-hash.js';

const input = {
  generatorVersion: '1.0.0',
  engineVersion: '1.0.0',
  profileHash: 'p',
  seed: 42,
  today: '2025-12-31',
  infrastructureHash: 'i',
  batches: [
    { batchKey: 1, hash: 'b' },
    { batchKey: 0, hash: 'a' },
  ],
};

describe('run hash', () => {
  it('does not depend on the order batches finished in', () => {
    expect(computeRunHash(input)).toBe(computeRunHash({ ...input, batches: [...input.batches].reverse() }));
    expect(computeRunHash(input)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with every input', () => {
    const base = computeRunHash(input);
    for (const change of [{ seed: 43 }, { today: '2025-12-30' }, { engineVersion: '1.0.1' }, { infrastructureHash: 'j' }, { batches: [{ batchKey: 0, hash: 'b' }, { batchKey: 1, hash: 'a' }] }]) {
      expect(computeRunHash({ ...input, ...change })).not.toBe(base);
    }
  });
});

describe('rows/s moving average', () => {
  it('converges to a steady rate with a 5 s time constant', () => {
    const rate = new RateEstimator();
    rate.sample(0, 0);
    let rows = 0;
    for (let t = 500; t <= 30_000; t += 500) {
      rows += 50_000;
      rate.sample(rows, t);
    }
    expect(rate.rate).toBeGreaterThan(99_000);
    expect(rate.rate).toBeLessThanOrEqual(100_000);
    // One 5 s time constant after a stop, about e^-1 of the rate remains.
    for (let t = 30_500; t <= 35_000; t += 500) rate.sample(rows, t);
    expect(rate.rate / 100_000).toBeCloseTo(Math.exp(-1), 1);
  });
});
