import { describe, expect, it } from 'vitest';
import { decodeIdOf, fromGlobalId, toGlobalId } from './global-id.js';

describe('global ids', () => {
  it('round-trips type and id, opaque to clients', () => {
    const id = toGlobalId('Batch', 42);
    expect(id).not.toContain('Batch');
    expect(fromGlobalId(id)).toEqual({ typeName: 'Batch', id: 42 });
    expect(decodeIdOf('Batch', id)).toBe(42);
  });

  it('keeps ids up to 2^53 exact (seed ids are large)', () => {
    const big = (0 * 4096 + 143 + 1) * 2 ** 32 + 17;
    expect(fromGlobalId(toGlobalId('DailyAssignmentState', big))?.id).toBe(big);
  });

  it('returns null for foreign, malformed or mistyped ids', () => {
    expect(decodeIdOf('Container', toGlobalId('Batch', 1))).toBeNull();
    expect(fromGlobalId('not base64 !')).toBeNull();
    expect(fromGlobalId(Buffer.from('Batch:-1').toString('base64url'))).toBeNull();
    expect(fromGlobalId(Buffer.from('Batch:abc').toString('base64url'))).toBeNull();
    expect(fromGlobalId('')).toBeNull();
  });
});
