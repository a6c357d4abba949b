import { describe, expect, it } from 'vitest';
import { loadNamedProfile } from '../profile-file.js';
import { DEFAULT_PROFILE } from './profile-defaults.js';
import { canonicalJson, loadProfile, ProfileError, profileHash, seaTransferDay, stageStartDays } from './profile.js';

describe('built-in profiles', () => {
  it('demo: one-site, F = 4, 4 batches × 1 geography, stagger 300 d, 400 k eggs', () => {
    const demo = loadNamedProfile('demo');
    expect(demo.topology.preset).toBe('one-site');
    expect(demo.topology.geographies.map((geo) => geo.code)).toEqual(['FO']);
    expect(demo.schedule).toMatchObject({
      batchesPerGeography: 4,
      staggerDays: 300,
      newestAgeDays: 50,
      eggsPerBatch: 400_000,
      freshwaterContainersPerStage: 4,
    });
  });

  it('standard and full: two-geo, 72 / 85 batches per geography, stagger 26 d, 3.5 M eggs', () => {
    const standard = loadNamedProfile('standard');
    const full = loadNamedProfile('full');
    for (const [profile, batches] of [
      [standard, 72],
      [full, 85],
    ] as const) {
      expect(profile.topology.preset).toBe('two-geo');
      expect(profile.topology.geographies.map((geo) => geo.code)).toEqual(['FO', 'SC']);
      expect(profile.schedule).toMatchObject({ batchesPerGeography: batches, staggerDays: 26, newestAgeDays: 50, eggsPerBatch: 3_500_000 });
    }
  });

  it('standard equals the defaults except for the documented expectations', () => {
    const standard = loadNamedProfile('standard');
    expect({ ...standard, description: '', expectations: null }).toEqual({ ...DEFAULT_PROFILE, description: '', expectations: null });
  });

  it('carries the §3.1 stage table', () => {
    const profile = loadProfile({});
    expect(stageStartDays(profile)).toEqual([0, 90, 180, 270, 360, 450]);
    expect(seaTransferDay(profile)).toBe(450);
    expect(profile.stages.map((stage) => [stage.weightInG, stage.weightOutG, stage.growthK, stage.mortalityPctPerDay, stage.biologicalFcr])).toEqual([
      [0.1, 0.1, 0, 0.15, null],
      [0.1, 6, 0.001253, 0.05, 0.85],
      [6, 60, 0.001942, 0.03, 0.95],
      [60, 180, 0.001603, 0.02, 1.0],
      [180, 500, 0.002121, 0.015, 1.05],
      [500, null, 0.003, 0.01, 1.15],
    ]);
  });
});

describe('loadProfile', () => {
  it('deep-merges partial documents over the defaults and presets', () => {
    const profile = loadProfile({ topology: { preset: 'one-site', ringsPerArea: 6 }, schedule: { staggerDays: 200 } });
    expect(profile.topology.ringsPerArea).toBe(6);
    expect(profile.topology.containersPerHall).toBe(4);
    expect(profile.schedule.staggerDays).toBe(200);
    expect(profile.schedule.eggsPerBatch).toBe(3_500_000);
  });

  it('rejects unknown keys instead of silently using a default', () => {
    expect(() => loadProfile({ schedule: { staggerDayz: 10 } })).toThrow(ProfileError);
    try {
      loadProfile({ schedule: { staggerDayz: 10 } });
    } catch (error) {
      expect((error as ProfileError).issues.join()).toMatch(/schedule/);
    }
  });

  it('rejects inconsistent numbers with a message naming them', () => {
    expect(() => loadProfile({ mortality: { seaCauses: [{ cause: 'UNKNOWN', sharePct: 90 }] } })).toThrow(/seaCauses must sum to 100/);
    expect(() => loadProfile({ schedule: { freshwaterContainersPerStage: 11 } })).toThrow(/exceeds topology.containersPerHall/);
    expect(() => loadProfile({ topology: 'three-geo' })).toThrow(/unknown preset/);
    expect(() => loadProfile({ schedule: { eggsPerBatch: -1 } })).toThrow(ProfileError);
    expect(() => loadProfile({ feedInventory: true })).toThrow(/not available in v1/);
  });

  it('accepts the fixed ring sizing alternative', () => {
    const profile = loadProfile({ sea: { ringSizing: { mode: 'fixed', rings: 10 } } });
    expect(profile.sea.ringSizing).toEqual({ mode: 'fixed', rings: 10 });
  });
});

describe('profileHash', () => {
  it('is a SHA-256 of canonical JSON, independent of key order', () => {
    const a = loadProfile({ schedule: { staggerDays: 26, newestAgeDays: 50 } });
    const b = loadProfile({ schedule: { newestAgeDays: 50, staggerDays: 26 } });
    expect(profileHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(profileHash(a)).toBe(profileHash(b));
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
  });

  it('changes when any number changes', () => {
    const base = loadProfile({});
    expect(profileHash(loadProfile({ climate: { readingNoiseSdC: 0.06 } }))).not.toBe(profileHash(base));
    expect(profileHash(loadNamedProfile('demo'))).not.toBe(profileHash(base));
  });
});
