/**
 * Seed-run profiles (synthetic-farm.md §1–§5): every number the generator uses, as validated data.
 *
 * A profile file is a *partial* document deep-merged over `DEFAULT_PROFILE` (objects merge, arrays
 * and scalars replace), after its topology preset has been applied. The merged document is then
 * validated strictly (unknown keys are errors, so a typo never silently falls back to a default).
 * Reading the file from disk is the caller's job (`../profile-file.ts`).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_PROFILE, TOPOLOGY_PRESETS } from './profile-defaults.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const hourUtc = z.number().int().min(0).max(23);
const range = z.strictObject({ min: z.number(), max: z.number() });
const coordinate = z.strictObject({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
});

/** Area-group tree node: a leaf carries `areas`, an inner node carries `children`. */
export interface AreaGroupSpec {
  code: string;
  name: string;
  areas?: number | undefined;
  children?: AreaGroupSpec[] | undefined;
}

const AreaGroupSchema: z.ZodType<AreaGroupSpec> = z.lazy(() =>
  z.strictObject({
    code: z.string().min(1).max(32),
    name: z.string().min(1).max(100),
    areas: positiveInt.optional(),
    children: z.array(AreaGroupSchema).min(1).optional(),
  }),
);

const GeographySchema = z.strictObject({
  code: z.string().min(1).max(8),
  name: z.string().min(1).max(100),
  description: z.string(),
  /** Freshwater stations of this geography, named `<code>-FW-01..`. */
  stations: positiveInt,
  /** The first `rackStations` stations carry structural racks in their egg hall. */
  rackStations: nonNegativeInt,
  stationCoordinate: coordinate,
  areaCoordinate: coordinate,
  /** Root of the area-group tree; `areaGroups` are its children (areas hang on leaves only). */
  rootAreaGroup: z.strictObject({ code: z.string().min(1).max(32), name: z.string().min(1).max(100) }),
  areaGroups: z.array(AreaGroupSchema).min(1),
});

const TopologySchema = z.strictObject({
  preset: z.enum(['two-geo', 'one-site']),
  geographies: z.array(GeographySchema).min(1),
  /** One hall per freshwater stage, in stage order (A = Egg&Alevin … E = Post-Smolt). */
  hallLetters: z.array(z.string().regex(/^[A-Z]$/)).min(1),
  containersPerHall: positiveInt,
  ringsPerArea: positiveInt,
  racksPerRackHall: nonNegativeInt,
  traysPerRack: positiveInt,
  rackContainerTypeCode: z.string(),
  coordinateJitterDeg: nonNegative,
  /** Silo capacity per hall, indexed like `hallLetters` (kg). */
  siloCapacityKg: z.array(positive).min(1),
  bargesPerArea: positiveInt,
  bargeCapacityKg: positive,
  /** Parameter codes of the sensors on each freshwater holding container, in sensor-id order. */
  freshwaterSensors: z.array(z.string()).min(1),
  /** Parameter codes of the sensors on each ring, in sensor-id order. */
  seaSensors: z.array(z.string()).min(1),
  sensorManufacturer: z.string(),
});

const FeedChoiceSchema = z.strictObject({
  feed: z.string(),
  /** Used while the start-of-day weight is below this (g); the last choice has none. */
  belowWeightG: positive.optional(),
});

const StageSchema = z.strictObject({
  order: positiveInt,
  code: z.string().max(32),
  name: z.string().max(100),
  environment: z.enum(['FRESHWATER', 'SEA']),
  /** Stage length in days; null for the sea stage (it ends at harvest). */
  days: positiveInt.nullable(),
  weightInG: positive,
  /** Stage-out weight the freshwater k is calibrated to; null for the sea stage (harvest target). */
  weightOutG: positive.nullable(),
  /** Nominal thermal growth coefficient k (per °C·day, cube-root grams); TGC = 1000·k. */
  growthK: nonNegative,
  mortalityPctPerDay: nonNegative,
  /** Biological FCR (kg feed per kg growth); null when the stage is not fed. */
  biologicalFcr: positive.nullable(),
  feeds: z.array(FeedChoiceSchema),
  containerTypeCode: z.string(),
  /** Within-container weight CV of 30-fish weighings in this stage. */
  sampleCv: positive,
  /** Binomial handling loss at the transfer into this stage (%); null for the first stage. */
  transferInLossPct: nonNegative.max(100).nullable(),
  transferInMethod: z.enum(['NET', 'PUMP', 'GRAVITY', 'MANUAL']).nullable(),
  transferInNote: z.string().nullable(),
  /** LifecycleStage master data (data-model.md §2.3 reference table). */
  reference: z.strictObject({
    minWeightG: positive,
    maxWeightG: positive,
    typicalDurationDays: positiveInt,
    defaultTgc: nonNegative,
    defaultDailyMortalityPct: nonNegative,
  }),
});

const ContainerTypeSchema = z.strictObject({
  code: z.string().max(32),
  name: z.string().max(100),
  category: z.enum(['TANK', 'PEN', 'TRAY', 'OTHER']),
  hierarchyRole: z.enum(['HOLDING', 'STRUCTURAL']),
  volumeM3: positive,
  /** Max biomass = volume × this (kg/m³); 0 for structural containers. */
  maxDensityKgM3: nonNegative,
});

const WaterParameterSchema = z.strictObject({
  mean: z.number(),
  /** Stationary standard deviation of the container's AR(1) daily level. */
  levelSd: nonNegative,
  /** Standard deviation of the independent per-reading noise. */
  noiseSd: nonNegative,
  min: z.number(),
  max: z.number(),
  decimals: z.number().int().min(0).max(4),
  /** Added `slope·(T_sea − μ_g)` (sea oxygen follows temperature). */
  temperatureSlope: z.number(),
  /** Per-geography mean and level SD overriding `mean`/`levelSd` (salinity). */
  byGeography: z.record(z.string(), z.strictObject({ mean: z.number(), levelSd: nonNegative })),
});

const CauseShareSchema = z.strictObject({
  cause: z.enum(['DISEASE', 'HANDLING', 'PREDATION', 'ENVIRONMENTAL', 'UNKNOWN', 'OTHER']),
  sharePct: positive,
});

const ExpectationsSchema = z.strictObject({
  batches: positiveInt,
  completedBatches: nonNegative,
  activeBatches: nonNegative,
  oldestStart: isoDate,
  envReadings: nonNegative,
  feedings: nonNegative,
  mortalityEvents: nonNegative,
  dailyStates: nonNegative,
  growthSamples: nonNegative,
  growthSampleFish: nonNegative,
  liceEntries: nonNegative,
  allRows: nonNegative,
});

export const ProfileSchema = z.strictObject({
  name: z.string().min(1).max(32),
  description: z.string(),
  /** Last simulated day; null = the UTC date the run starts (the caller passes it explicitly). */
  today: isoDate.nullable(),
  topology: TopologySchema,
  schedule: z.strictObject({
    batchesPerGeography: positiveInt,
    /** Per-geography stagger s (days); geographies interleave at s / G (§5.1). */
    staggerDays: positiveInt,
    newestAgeDays: nonNegativeInt,
    eggsPerBatch: positiveInt,
    eggsJitterPct: nonNegative.max(50),
    /** F: containers per freshwater stage (defaults to the topology's containersPerHall). */
    freshwaterContainersPerStage: positiveInt,
    fwFallowDays: nonNegativeInt,
    seaFallowDays: nonNegativeInt,
  }),
  species: z.strictObject({ name: z.string(), scientificName: z.string() }),
  stages: z.array(StageSchema).min(2),
  feeds: z
    .array(
      z.strictObject({
        name: z.string(),
        brand: z.string(),
        sizeCategory: z.enum(['MICRO', 'SMALL', 'MEDIUM', 'LARGE']),
        pelletSizeMm: positive,
        proteinPct: nonNegative.max(100),
        fatPct: nonNegative.max(100),
      }),
    )
    .min(1),
  containerTypes: z.array(ContainerTypeSchema).min(1),
  environmentalParameters: z
    .array(
      z.strictObject({
        code: z.string().max(32),
        name: z.string(),
        unit: z.string().max(20),
        minValue: z.number(),
        maxValue: z.number(),
        optimalMin: z.number(),
        optimalMax: z.number(),
      }),
    )
    .min(1),
  climate: z.strictObject({
    /** Per geography: T_sea = meanC + amplitudeC·cos(2π(doy − peakDoy)/yearLengthDays) + x_a. */
    seaByGeography: z.record(z.string(), z.strictObject({ meanC: z.number(), amplitudeC: nonNegative })),
    seaPeakDayOfYear: z.number(),
    yearLengthDays: positive,
    seaAnomalyPhi: z.number().min(0).lt(1),
    /** Stationary SD of the sea anomaly (°C); innovations are sd·√(1 − φ²). */
    seaAnomalySd: nonNegative,
    seaClampC: range,
    hallMeanC: z.number(),
    hallPhi: z.number().min(0).lt(1),
    hallSd: nonNegative,
    hallClampC: range,
    /** Series start this many days before the first simulated date. */
    spinUpDays: nonNegativeInt,
    /** Series extend this many days past today (harvest prediction). */
    horizonDays: positiveInt,
    readingHoursUtc: z.array(hourUtc).min(1),
    seaDiurnalAmplitudeC: nonNegative,
    hallDiurnalAmplitudeC: nonNegative,
    diurnalPeakHourUtc: z.number(),
    readingNoiseSdC: nonNegative,
    temperatureDecimals: z.number().int().min(0).max(4),
  }),
  waterQuality: z.strictObject({
    levelPhi: z.number().min(0).lt(1),
    /** The AR(1) level is the exact moving-average sum of this many daily innovations. */
    levelWindowDays: positiveInt,
    freshwater: z.record(z.string(), WaterParameterSchema),
    sea: z.record(z.string(), WaterParameterSchema),
    /** Freshwater parameters that only log when `chemistry` is on. */
    chemistryCodes: z.array(z.string()),
  }),
  growth: z.strictObject({
    containerFactorSd: nonNegative,
    containerFactorMin: positive,
    containerFactorMax: positive,
  }),
  sea: z.strictObject({
    ringSizing: z.discriminatedUnion('mode', [
      z.strictObject({ mode: z.literal('biomass'), headroom: positive, minRings: positiveInt }),
      z.strictObject({ mode: z.literal('fixed'), rings: positiveInt }),
    ]),
    harvestTargetKg: range,
    /** A batch not at target by H_pred + this is harvested that day ("forced"). */
    forcedHarvestAfterPredictionDays: nonNegativeInt,
  }),
  feeding: z.strictObject({
    noiseSd: nonNegative,
    noiseMin: positive,
    noiseMax: positive,
    mealHoursUtc: z.array(hourUtc).min(1),
    method: z.enum(['MANUAL', 'AUTOMATIC', 'BROADCAST']),
    amountDecimals: z.number().int().min(0).max(4),
  }),
  mortality: z.strictObject({
    /** stress = 1 + amplitude·e^(−t/decayDays), t days after the sea transfer. */
    seaStressAmplitude: nonNegative,
    seaStressDecayDays: positive,
    freshwaterCauses: z.array(CauseShareSchema).min(1),
    seaCauses: z.array(CauseShareSchema).min(1),
  }),
  sampling: z.strictObject({
    freshwaterIntervalDays: positiveInt,
    seaIntervalDays: positiveInt,
    fishPerSample: positiveInt,
    conditionFactorMean: positive,
    conditionFactorSd: nonNegative,
  }),
  transfer: z.strictObject({
    hourUtc: hourUtc,
    measuredSampleSize: positiveInt,
    selectionMethod: z.enum(['AVERAGE', 'LARGEST', 'SMALLEST']),
  }),
  lice: z.strictObject({
    intervalDays: positiveInt,
    fishSampled: positiveInt,
    baseLambda: nonNegative,
    temperatureCoefficient: z.number(),
    referenceTemperatureC: z.number(),
    seaDaysScale: positive,
    maxPerFish: nonNegative,
    method: z.enum(['MANUAL', 'CAMERA', 'AUTOMATED']),
    shares: z
      .array(
        z.strictObject({
          species: z.enum(['L_SALMONIS', 'C_ELONGATUS']),
          stage: z.enum(['CHALIMUS', 'PRE_ADULT', 'ADULT_MALE', 'ADULT_FEMALE']),
          sharePct: nonNegative,
        }),
      )
      .min(1),
    /** Optional DELICING treatments (off by default, not counted in the volume totals). */
    treatments: z.strictObject({
      enabled: z.boolean(),
      /** L. salmonis adult females per fish above which the ring is treated on the count day. */
      adultFemalesPerFishThreshold: positive,
      product: z.string(),
      dosage: z.string(),
      withholdingDays: nonNegativeInt,
      hourUtc: hourUtc,
    }),
  }),
  vaccination: z.strictObject({
    types: z.array(z.strictObject({ name: z.string(), manufacturer: z.string() })),
    events: z.array(
      z.strictObject({
        /** Batch day index d. */
        day: nonNegativeInt,
        vaccineType: z.string(),
        product: z.string(),
        dosage: z.string(),
        withholdingDays: nonNegativeInt,
        includesWeighing: z.boolean(),
        weighedCount: nonNegativeInt,
        hourUtc: hourUtc,
      }),
    ),
  }),
  harvest: z.strictObject({
    hourUtc: hourUtc,
    gradingCv: positive,
    /** Size classes in ascending order; a class holds weights below `upperG` (null = no bound). */
    sizeClasses: z.array(z.strictObject({ code: z.string().max(16), upperG: positive.nullable() })).min(1),
  }),
  /** Days of the per-batch Scenario's TemperatureProfile (day numbers 1..n). */
  scenarioProfileDays: positiveInt,
  samplingHourUtc: hourUtc,
  liceCountHourUtc: hourUtc,
  chemistry: z.boolean(),
  individualObservations: z.boolean(),
  harvestGrading: z.boolean(),
  feedInventory: z.boolean(),
  utilisation: z.strictObject({
    windowDays: positiveInt,
    freshwaterBandPct: range,
    ringBandPct: range,
  }),
  /** The §4.3 profile expectations (acceptance bands of verification V2); null for custom files. */
  expectations: ExpectationsSchema.nullable(),
});

/** A fully resolved, validated profile. */
export type Profile = z.infer<typeof ProfileSchema>;
export type StageSpec = Profile['stages'][number];
export type TopologySpec = Profile['topology'];
export type GeographySpec = TopologySpec['geographies'][number];
export type WaterParameterSpec = z.infer<typeof WaterParameterSchema>;
export type TopologyPreset = TopologySpec['preset'];

/** Thrown for an invalid profile document; `issues` lists every problem found. */
export class ProfileError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = 'ProfileError';
  }
}

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays, scalars and null replace. Inputs are not mutated. */
function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return structuredClone(base);
  // A discriminated object (e.g. ringSizing) switching its `mode` is replaced, not merged.
  const switchesMode = isPlainObject(base) && isPlainObject(override) && 'mode' in override && override.mode !== base.mode;
  if (isPlainObject(base) && isPlainObject(override) && !switchesMode) {
    const result: PlainObject = structuredClone(base);
    for (const [key, value] of Object.entries(override)) {
      result[key] = deepMerge(base[key], value);
    }
    return result;
  }
  return structuredClone(override);
}

/**
 * Resolve and validate a parsed profile document (partial; see module doc). `topology` may be a
 * preset name (`"two-geo"`, `"one-site"`) or an object `{ preset, …overrides }`.
 * @throws ProfileError listing every schema and consistency problem.
 */
export function loadProfile(document: unknown): Profile {
  if (!isPlainObject(document)) throw new ProfileError('Profile must be a JSON object', ['(root): not an object']);
  const { topology: topologyInput, ...rest } = document;
  let preset: TopologyPreset = DEFAULT_PROFILE.topology.preset;
  let topologyOverrides: PlainObject = {};
  if (typeof topologyInput === 'string') {
    preset = topologyInput as TopologyPreset;
  } else if (isPlainObject(topologyInput)) {
    if (typeof topologyInput.preset === 'string') preset = topologyInput.preset as TopologyPreset;
    topologyOverrides = topologyInput;
  } else if (topologyInput !== undefined) {
    throw new ProfileError('Invalid profile: topology: expected a preset name or an object', ['topology: expected a preset name or an object']);
  }
  const presetTopology = TOPOLOGY_PRESETS[preset];
  if (!presetTopology) {
    const issue = `topology: unknown preset "${String(preset)}" (two-geo | one-site)`;
    throw new ProfileError(`Invalid profile: ${issue}`, [issue]);
  }
  const merged: unknown = deepMerge(
    deepMerge({ ...DEFAULT_PROFILE, topology: presetTopology }, rest),
    { topology: deepMerge(presetTopology, topologyOverrides) },
  );
  // F defaults to the hall size of the chosen topology (10 for two-geo, 4 for one-site).
  const scheduleInput = isPlainObject(rest.schedule) ? rest.schedule : {};
  if (scheduleInput.freshwaterContainersPerStage === undefined && isPlainObject(merged) && isPlainObject(merged.schedule) && isPlainObject(merged.topology)) {
    merged.schedule.freshwaterContainersPerStage = merged.topology.containersPerHall;
  }
  const parsed = ProfileSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ProfileError(`Invalid profile: ${issues.join('; ')}`, issues);
  }
  const problems = consistencyProblems(parsed.data);
  if (problems.length > 0) throw new ProfileError(`Inconsistent profile: ${problems.join('; ')}`, problems);
  return parsed.data;
}

function consistencyProblems(profile: Profile): string[] {
  const problems: string[] = [];
  const { stages, topology, schedule } = profile;
  stages.forEach((stage, index) => {
    if (stage.order !== index + 1) problems.push(`stages[${index}].order must be ${index + 1}`);
  });
  const freshwater = stages.filter((stage) => stage.environment === 'FRESHWATER');
  const sea = stages.filter((stage) => stage.environment === 'SEA');
  if (sea.length !== 1 || stages[stages.length - 1]!.environment !== 'SEA') {
    problems.push('stages: exactly one SEA stage, and it must be the last');
  }
  for (const stage of freshwater) {
    if (stage.days === null) problems.push(`stage ${stage.code}: freshwater stages need days`);
    if (stage.weightOutG === null) problems.push(`stage ${stage.code}: freshwater stages need weightOutG`);
  }
  stages.forEach((stage, index) => {
    if (index === 0 && stage.transferInLossPct !== null) problems.push(`stage ${stage.code}: first stage has no transfer in`);
    if (index > 0 && (stage.transferInLossPct === null || stage.transferInMethod === null)) {
      problems.push(`stage ${stage.code}: transferInLossPct and transferInMethod are required`);
    }
    const grows = stage.growthK > 0 || (stage.weightOutG !== null && stage.weightOutG !== stage.weightInG);
    if (grows && stage.biologicalFcr === null) problems.push(`stage ${stage.code}: a growing stage needs a biologicalFcr`);
    if (stage.biologicalFcr !== null && stage.feeds.length === 0) problems.push(`stage ${stage.code}: fed stage without feeds`);
    for (const choice of stage.feeds) {
      if (!profile.feeds.some((feed) => feed.name === choice.feed)) problems.push(`stage ${stage.code}: unknown feed "${choice.feed}"`);
    }
    if (!profile.containerTypes.some((type) => type.code === stage.containerTypeCode)) {
      problems.push(`stage ${stage.code}: unknown container type "${stage.containerTypeCode}"`);
    }
  });
  if (topology.hallLetters.length !== freshwater.length) {
    problems.push(`topology.hallLetters: need one hall per freshwater stage (${freshwater.length})`);
  }
  if (topology.siloCapacityKg.length !== topology.hallLetters.length) {
    problems.push('topology.siloCapacityKg: one capacity per hall letter');
  }
  if (schedule.freshwaterContainersPerStage > topology.containersPerHall) {
    problems.push('schedule.freshwaterContainersPerStage exceeds topology.containersPerHall');
  }
  const hasRacks = topology.geographies.some((geography) => geography.rackStations > 0) && topology.racksPerRackHall > 0;
  if (hasRacks && topology.racksPerRackHall * topology.traysPerRack > topology.containersPerHall) {
    problems.push('topology: racks × traysPerRack exceeds containersPerHall');
  }
  if (!profile.containerTypes.some((type) => type.code === topology.rackContainerTypeCode)) {
    problems.push(`topology.rackContainerTypeCode: unknown container type "${topology.rackContainerTypeCode}"`);
  }
  const parameterCodes = new Set(profile.environmentalParameters.map((parameter) => parameter.code));
  for (const code of [...topology.freshwaterSensors, ...topology.seaSensors]) {
    if (!parameterCodes.has(code)) problems.push(`topology sensors: unknown parameter "${code}"`);
  }
  if (topology.freshwaterSensors[0] !== 'TEMPERATURE' || topology.seaSensors[0] !== 'TEMPERATURE') {
    problems.push('topology sensors: TEMPERATURE must be the first sensor of every container');
  }
  for (const code of topology.freshwaterSensors.slice(1)) {
    if (!profile.waterQuality.freshwater[code]) problems.push(`waterQuality.freshwater: missing "${code}"`);
  }
  for (const code of topology.seaSensors.slice(1)) {
    if (!profile.waterQuality.sea[code]) problems.push(`waterQuality.sea: missing "${code}"`);
  }
  const geographyCodes = new Set<string>();
  for (const geography of topology.geographies) {
    if (geographyCodes.has(geography.code)) problems.push(`topology: duplicate geography ${geography.code}`);
    geographyCodes.add(geography.code);
    if (!profile.climate.seaByGeography[geography.code]) problems.push(`climate.seaByGeography: missing ${geography.code}`);
    if (geography.rackStations > geography.stations) problems.push(`geography ${geography.code}: rackStations > stations`);
    const walk = (group: AreaGroupSpec, path: string): void => {
      const isLeaf = group.children === undefined;
      if (isLeaf === (group.areas === undefined)) problems.push(`${path}: a group has either areas (leaf) or children`);
      group.children?.forEach((child) => walk(child, `${path}/${child.name}`));
    };
    geography.areaGroups.forEach((group) => walk(group, `${geography.code}/${group.name}`));
  }
  for (const [code, spec] of Object.entries({ ...profile.waterQuality.freshwater, ...profile.waterQuality.sea })) {
    if (!parameterCodes.has(code)) problems.push(`waterQuality: unknown parameter "${code}"`);
    if (spec.min > spec.max) problems.push(`waterQuality.${code}: min > max`);
  }
  const sumShares = (shares: { sharePct: number }[]): number => shares.reduce((sum, share) => sum + share.sharePct, 0);
  if (Math.abs(sumShares(profile.mortality.freshwaterCauses) - 100) > 1e-9) problems.push('mortality.freshwaterCauses must sum to 100');
  if (Math.abs(sumShares(profile.mortality.seaCauses) - 100) > 1e-9) problems.push('mortality.seaCauses must sum to 100');
  if (Math.abs(sumShares(profile.lice.shares) - 100) > 1e-9) problems.push('lice.shares must sum to 100');
  for (const event of profile.vaccination.events) {
    if (!profile.vaccination.types.some((type) => type.name === event.vaccineType)) {
      problems.push(`vaccination: unknown vaccine type "${event.vaccineType}"`);
    }
  }
  const sizes = profile.harvest.sizeClasses;
  sizes.forEach((size, index) => {
    const last = index === sizes.length - 1;
    if (last !== (size.upperG === null)) problems.push('harvest.sizeClasses: only the last class is unbounded');
    if (index > 0 && size.upperG !== null && sizes[index - 1]!.upperG !== null && size.upperG <= sizes[index - 1]!.upperG!) {
      problems.push('harvest.sizeClasses: bounds must increase');
    }
  });
  const ringSizing = profile.sea.ringSizing;
  if (ringSizing.mode === 'biomass' && ringSizing.minRings > topology.ringsPerArea) problems.push('sea.ringSizing.minRings > ringsPerArea');
  if (ringSizing.mode === 'fixed' && ringSizing.rings > topology.ringsPerArea) problems.push('sea.ringSizing.rings > ringsPerArea');
  if (profile.sea.harvestTargetKg.min > profile.sea.harvestTargetKg.max) problems.push('sea.harvestTargetKg: min > max');
  if (profile.growth.containerFactorMin > profile.growth.containerFactorMax) problems.push('growth: containerFactorMin > containerFactorMax');
  if (profile.feeding.noiseMin > profile.feeding.noiseMax) problems.push('feeding: noiseMin > noiseMax');
  if (profile.feedInventory) problems.push('feedInventory: not available in v1 (no stock tables in data-model.md)');
  return problems;
}

/** JSON with object keys sorted recursively: the canonical form hashed by `profileHash`. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (lowercase hex) of the canonical JSON of a resolved profile. */
export function profileHash(profile: Profile): string {
  return createHash('sha256').update(canonicalJson(profile)).digest('hex');
}

/** Stage offsets in batch days: `startDay[s]` is the first day index of stage order s + 1. */
export function stageStartDays(profile: Profile): number[] {
  const starts: number[] = [];
  let day = 0;
  for (const stage of profile.stages) {
    starts.push(day);
    day += stage.days ?? 0;
  }
  return starts;
}

/** The batch day index of the move to sea (450 by default). */
export function seaTransferDay(profile: Profile): number {
  return stageStartDays(profile)[profile.stages.length - 1]!;
}
