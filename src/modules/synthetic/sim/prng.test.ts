import { describe, expect, it } from 'vitest';
import { philox4x32, Rng, STREAM } from './prng.js';

const hex = (words: Uint32Array) => Array.from(words, (word) => word.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10', () => {
  // Known-answer vectors published with Random123 (kat_vectors, philox4x32_10).
  it.each([
    [[0, 0, 0, 0], [0, 0], '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], '408f276d 41c83b0e a20bc7c6 6d5451fd'],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], 'd16cfe09 94fdcceb 5001e420 24126ea1'],
  ])('matches the Random123 known answer for counter %j key %j', (counter, key, expected) => {
    const out = new Uint32Array(4);
    philox4x32(counter[0]!, counter[1]!, counter[2]!, counter[3]!, key[0]!, key[1]!, out);
    expect(hex(out)).toBe(expected);
  });
});

/**
 * Golden values: the first 8 words and 8 normals of every stream for seed 20251231, entity 7,
 * ordinal 3, day 450. A change here changes every generated dataset: streams are append-only, and
 * a Node upgrade that alters Math.log/cos/sqrt shows up in the normals.
 */
const GOLDEN: Record<keyof typeof STREAM, { words: string[]; normals: number[] }> = {
  CLIMATE: {
    words: ['e60fef8a', '04ef8c8d', '57c7b4db', '72638280', 'c13c4ec7', '8b85fdda', '89db08b2', '324aa106'],
    normals: [0.4588408512074407, -1.3822204498630588, -0.7202250456522687, 0.36732813597834085, 0.11653957529248168, -1.819656805526652, 0.3567986174742565, 0.26923669049815707],
  },
  SENSOR: {
    words: ['4d5cf40e', '74a32d54', '434c99ae', '99b1de9d', '8254f5ca', '4024e662', '99c9db72', '904fe576'],
    normals: [-1.4872698670894833, -1.3202147028699613, -0.004110755185156381, -0.9297191322308945, -0.6939018682709642, 0.7163893218738066, -0.40484125056427656, 1.3029478438202335],
  },
  GROWTH_FACTOR: {
    words: ['c1a9814f', '5fb33f16', '84e16aa4', 'f456cc30', '3442efcc', '78d83477', '5b0d6f9a', '765595a9'],
    normals: [-0.5243619979539567, 1.0986042914272456, -1.7552282646116681, -1.397602827990415, 1.5119841220302122, -0.21354174760621367, -1.299525468097691, 1.0653163035224242],
  },
  MORTALITY: {
    words: ['0baf0193', '1940f2e2', '2e01cac8', 'f6ddb642', 'aca10d9a', 'd6536545', '4c7307f8', '65838564'],
    normals: [2.022544993016827, 1.806410314132982, 0.462457604118695, -1.2376069417263202, -0.03251846248130772, -0.6049347984217801, 0.6382008309281351, -0.5300152077452437],
  },
  TRANSFER_LOSS: {
    words: ['2ac5c8b6', '62d99bf7', '9433d26c', '3d45a666', 'af57e770', 'b5e2343e', 'ffc9a2a9', 'c51edad2'],
    normals: [-1.4278605811167548, 0.06995160820991185, -0.21379739704671077, 0.005106624161535887, 0.9710168629317294, 0.7706016314122798, -0.08383130015121266, -1.0593030654222821],
  },
  FEED_NOISE: {
    words: ['892a8e4b', 'e124282f', 'bb4db7d9', '17a27abd', 'c3a58291', 'a516ab5f', '727205e8', 'e9379949'],
    normals: [0.8117397448562892, 0.6611896551177534, -0.44989468908918645, 1.0756554181017737, 0.9989241712032912, 0.9212808620029529, 0.4563814235080392, 2.3569569318746377],
  },
  SAMPLE_FISH: {
    words: ['bffdab50', '3bc0cbbc', 'd9b8d535', '1deb6c20', '03d18e86', '4b185ae2', 'ff4f16e1', '9b4c2d4f'],
    normals: [0.07892807737164005, 0.42245585389954254, -0.7800188036286871, -0.05763263697819739, -1.0936371811438987, -0.13839544914428722, -1.996606205036893, 1.0382087413281078],
  },
  LICE: {
    words: ['ba7c2a5a', '9f0243fe', 'a54d843b', 'ccc72c46', 'b4a07991', 'dbe6de41', 'd201be3b', 'efa69ccc'],
    normals: [-0.5763982924988247, 0.2885454686616399, 0.5282613148001414, 0.5793535516248962, -0.08352525376775759, 2.1334983837039165, -0.7271846873648885, 2.4104056038962045],
  },
  TARGET_WEIGHT: {
    words: ['d2ca321f', 'b8a98058', '6b22057b', '493f7a9f', '82632ffc', '367a2b72', '43b3c02e', '8f57cea3'],
    normals: [-0.1116682391014362, -0.29703072604222214, 0.2690307326490606, -1.5167039012964487, 0.6249931517912899, 0.22458450370164693, -1.776292141995134, -0.015852136260416427],
  },
  CAUSE: {
    words: ['1912f641', '35d1d612', '5f22dd95', 'e6d6e59f', 'cf2e0270', '31258432', '171ba574', 'd52b9745'],
    normals: [0.5330217671328377, 1.147165484109964, 0.23193583444136767, 1.088975412330579, -0.44372052887842256, 0.9345283796814452, 0.3743665751099222, 0.6122906175815142],
  },
  SENSOR_LEVEL: {
    words: ['62871f09', 'd31f1895', 'c9d588d8', '5df67c7a', '14eb452e', '04341ac4', '51bc380d', 'c9f4e516'],
    normals: [0.6249998990515949, -0.4625991616859837, 2.226187124091484, 0.36560341569369775, 1.2449845296104942, 0.7375472755960016, 0.7251082250897821, -0.7664330255211462],
  },
  SITE_JITTER: {
    words: ['2b39e70a', 'e20431d8', '414e7cf6', '03d08fc3', '21a37184', '1f2407c1', '25364a4d', '06652563'],
    normals: [1.3980346714525123, 1.6456879089761138, 1.454332905235311, 1.9398046407365193, -0.711989273746415, -1.0645608311026051, 1.4415915411389109, -0.07951299893824781],
  },
  EGG_JITTER: {
    words: ['39ce95a5', 'a219f6a2', '050a74df', '303d7e1c', 'efbfc438', '65cb2f31', 'a6edcfa6', 'ffd461c7'],
    normals: [-1.1553532677609701, 1.0572680397859127, -0.28980366274842334, 0.9247720750311264, -0.008886849573128075, -1.7760397880114944, -0.3769612801161427, -0.10038945876983818],
  },
  TRANSFER_SAMPLE: {
    words: ['78b8c689', 'bc406b20', '26773e0a', '74bd4e8e', '50d779d2', '25d297e9', '08081b1a', 'fa115a07'],
    normals: [-0.1126427081010512, -1.873115067811636, 0.9097770219670165, 2.6034272257438937, -0.26560080764040395, -1.5023377361187678, -1.4883001432830147, -0.6185620029478327],
  },
  TREATMENT_FISH: {
    words: ['21afea9c', 'df0ed67d', 'a74da4da', 'd874149a', '053475a7', '188b2df0', 'eb1f4051', '77becf5a'],
    normals: [1.3907953146065124, 0.5209359264153406, 2.2999513328217374, -0.4040499323714818, -0.9278394102102931, -1.3457839494673445, -0.8628175471154085, -0.18757579522889697],
  },
};

describe('streams', () => {
  it('has append-only, unique codes (a new stream gets the next code)', () => {
    const codes = Object.values(STREAM);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(codes.map((_, index) => index + 1));
    expect(Object.keys(GOLDEN).sort()).toEqual(Object.keys(STREAM).sort());
  });

  it.each(Object.keys(STREAM) as (keyof typeof STREAM)[])('pins the first 8 outputs of %s', (name) => {
    const rng = new Rng(20251231, STREAM[name], 7, 3, 450);
    const words = Array.from({ length: 8 }, (_, i) => rng.word(i).toString(16).padStart(8, '0'));
    const normals = Array.from({ length: 8 }, (_, i) => rng.normal(i));
    expect(words).toEqual(GOLDEN[name].words);
    expect(normals).toEqual(GOLDEN[name].normals);
  });

  it('pins the discrete and lognormal samplers (Math.exp / log1p / sqrt / round)', () => {
    const rng = new Rng(20251231, STREAM.MORTALITY, 1, 2, 3);
    const draw = (f: (slot: number) => number) => Array.from({ length: 8 }, (_, slot) => f(slot));
    expect(draw((slot) => rng.poisson(slot, 3.7))).toEqual([3, 2, 6, 2, 2, 4, 3, 2]);
    expect(draw((slot) => rng.poisson(slot, 480))).toEqual([454, 440, 485, 506, 467, 497, 494, 524]);
    expect(draw((slot) => rng.binomial(slot, 2000, 0.01))).toEqual([19, 16, 26, 17, 16, 21, 19, 15]);
    expect(draw((slot) => rng.binomial(slot, 300000, 0.002))).toEqual([570, 556, 606, 629, 586, 619, 616, 649]);
    expect(draw((slot) => rng.lognormal(slot, 0, 0.2))).toEqual([
      0.7851963365493132, 0.6972126312076399, 1.0503588694089636, 1.2659168704718846, 0.8919460944780704, 1.1670320736158544,
      1.135451822711648, 1.4906635884852535,
    ]);
    expect(draw((slot) => rng.uniform(slot))).toEqual([
      0.4301823895657435, 0.19664302247110754, 0.9002319573191926, 0.2540016697021201, 0.16665670822840184, 0.6408396322512999,
      0.3919274563668296, 0.1191515737446025,
    ]);
  });
});

describe('draws', () => {
  it('are pure functions of (seed, stream, entity, ordinal, day, slot), not of call order', () => {
    const a = new Rng(1, STREAM.FEED_NOISE, 5, 6, 7);
    const forward = Array.from({ length: 20 }, (_, slot) => a.normal(slot));
    const b = new Rng(99, STREAM.CLIMATE, 0, 0, 0);
    b.reset(1, STREAM.FEED_NOISE, 5, 6, 7);
    const backward = Array.from({ length: 20 }, (_, i) => b.normal(19 - i)).reverse();
    expect(backward).toEqual(forward);
    expect(new Rng(2, STREAM.FEED_NOISE, 5, 6, 7).normal(0)).not.toBe(forward[0]);
    expect(new Rng(1, STREAM.FEED_NOISE, 5, 6, 8).normal(0)).not.toBe(forward[0]);
  });

  it('uniforms lie strictly inside (0, 1)', () => {
    const rng = new Rng(3, STREAM.CAUSE, 0, 0, 0);
    for (let slot = 0; slot < 10_000; slot++) {
      const u = rng.uniform(slot);
      expect(u > 0 && u < 1).toBe(true);
    }
  });

  it('have the right first two moments', () => {
    const rng = new Rng(11, STREAM.MORTALITY, 1, 1, 1);
    const n = 40_000;
    const moments = (f: (slot: number) => number) => {
      let sum = 0;
      let squares = 0;
      for (let slot = 0; slot < n; slot++) {
        const x = f(slot);
        sum += x;
        squares += x * x;
      }
      const mean = sum / n;
      return { mean, variance: squares / n - mean * mean };
    };
    const normal = moments((slot) => rng.normal(slot));
    expect(normal.mean).toBeCloseTo(0, 1);
    expect(normal.variance).toBeCloseTo(1, 1);
    for (const lambda of [0.4, 7.5, 49.9, 50, 1_500]) {
      const poisson = moments((slot) => rng.poisson(slot, lambda));
      expect(Math.abs(poisson.mean / lambda - 1)).toBeLessThan(0.03);
      expect(Math.abs(poisson.variance / lambda - 1)).toBeLessThan(0.06);
    }
    for (const [trials, p] of [
      [40, 0.3],
      [5_000, 0.002],
      [300_000, 0.01],
      [100, 0.9],
    ] as const) {
      const binomial = moments((slot) => rng.binomial(slot, trials, p));
      expect(Math.abs(binomial.mean / (trials * p) - 1)).toBeLessThan(0.03);
      expect(Math.abs(binomial.variance / (trials * p * (1 - p)) - 1)).toBeLessThan(0.08);
    }
  });

  it('handles degenerate parameters', () => {
    const rng = new Rng(1, STREAM.TRANSFER_LOSS, 0, 0, 0);
    expect(rng.poisson(0, 0)).toBe(0);
    expect(rng.binomial(0, 0, 0.5)).toBe(0);
    expect(rng.binomial(0, 10, 0)).toBe(0);
    expect(rng.binomial(0, 10, 1)).toBe(10);
    for (let slot = 0; slot < 1000; slot++) {
      const x = rng.binomial(slot, 3, 0.5);
      expect(x >= 0 && x <= 3).toBe(true);
    }
  });
});
