import { describe, expect, it } from 'vitest';
import { hashInput } from './operation.js';

describe('hashInput (idempotency request hash)', () => {
  it('ignores key order, absent fields and the idempotency key itself', () => {
    const a = hashInput('transferCreate', { b: 1, a: [{ y: 2, x: 1 }], idempotencyKey: 'k1', notes: null });
    const b = hashInput('transferCreate', { a: [{ x: 1, y: 2 }], b: 1, idempotencyKey: 'k2' });
    expect(a).toBe(b);
  });

  it('changes with any value, the mutation, or dates', () => {
    const base = hashInput('transferCreate', { count: 1, at: new Date('2024-01-01T00:00:00Z') });
    expect(hashInput('transferCreate', { count: 2, at: new Date('2024-01-01T00:00:00Z') })).not.toBe(base);
    expect(hashInput('harvestCreate', { count: 1, at: new Date('2024-01-01T00:00:00Z') })).not.toBe(base);
    expect(hashInput('transferCreate', { count: 1, at: new Date('2024-01-02T00:00:00Z') })).not.toBe(base);
    // A nested idempotencyKey is data, not the key.
    expect(hashInput('x', { nested: { idempotencyKey: 'a' } })).not.toBe(hashInput('x', { nested: { idempotencyKey: 'b' } }));
  });
});
