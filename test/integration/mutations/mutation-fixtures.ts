import pg from 'pg';
import { toGlobalId } from '../../../src/graphql/common/global-id.js';
import { addDays, utcDate } from '../../../src/shared/dates.js';
import { startTestApp, type GraphQLResponse, type TestApp } from '../../helpers/app.js';

export const SECRETS = { ops: 'operator-secret-0123456789', alice: 'viewer-secret-0123456789', root: 'admin-secret-0123456789' };
export const TOKENS = `ops:OPERATOR:${SECRETS.ops},alice:VIEWER:${SECRETS.alice},root:ADMIN:${SECRETS.root}`;
export const today = utcDate(new Date());
export const daysAgo = (n: number) => addDays(today, -n);
export const gid = toGlobalId;

export interface UserErrorShape {
  code: string;
  message: string;
  field: string[] | null;
}

/**
 * A running app (worker off, so queued recompute jobs stay visible; tokens on, so `recordedBy` is the token
 * name: `ops` OPERATOR, `alice` VIEWER, `root` ADMIN) on its own database, with a small farm: tanks T01–T12 (5,000 kg each) in a hall, rings R01–R03 at sea,
 * a zero-mortality scenario as the species default (populations are then exact counts), TEMPERATURE and OXYGEN
 * parameters and one feed.
 */
export class MutationEnv {
  private constructor(
    readonly app: TestApp,
    readonly sql: pg.Client,
    readonly ids: {
      species: number;
      stages: Record<string, number>;
      tanks: number[];
      rings: number[];
      parameters: Record<string, number>;
      feed: number;
      scenario: number;
    },
  ) {}

  static async start(): Promise<MutationEnv> {
    const app = await startTestApp({ RUN_WORKER: 'false', AQUAGRAPH_TOKENS: TOKENS });
    const sql = new pg.Client({ connectionString: app.database.url });
    await sql.connect();
    const one = async <T = { id: number }>(text: string, values: unknown[] = []) => (await sql.query(text, values)).rows[0] as T;
    const species = (await one(`select id from species where name = 'Atlantic Salmon'`)).id;
    const stageRows = (await sql.query<{ id: number; code: string }>('select id, code from lifecycle_stage where species_id = $1', [species])).rows;
    const stages = Object.fromEntries(stageRows.map((r) => [r.code, r.id]));
    const scenario = (await one(`insert into scenario (name, species_id, base_tgc, base_mortality_rate_pct) values ('Zero mortality', $1, 2.75, 0) returning id`, [species])).id;
    for (const stage of Object.values(stages)) {
      await sql.query('insert into scenario_stage_parameter (scenario_id, lifecycle_stage_id, mortality_rate_pct) values ($1, $2, 0)', [scenario, stage]);
    }
    await sql.query('update species set default_scenario_id = $1 where id = $2', [scenario, species]);
    const geography = (await one(`insert into geography (code, name) values ('FO', 'Faroe Islands') returning id`)).id;
    const station = (await one(`insert into freshwater_station (geography_id, name, latitude, longitude) values ($1, 'FO-FW-01', 62, -7) returning id`, [geography])).id;
    const hall = (await one(`insert into hall (station_id, name) values ($1, 'A') returning id`, [station])).id;
    const area = (await one(`insert into area (geography_id, name, latitude, longitude) values ($1, 'FO-SEA-01', 61.5, -6.5) returning id`, [geography])).id;
    const tankType = (await one(`insert into container_type (code, name, category, max_volume_m3) values ('TANK', 'Tank', 'TANK', 1000) returning id`)).id;
    const ringType = (await one(`insert into container_type (code, name, category, max_volume_m3) values ('RING', 'Ring', 'PEN', 60000) returning id`)).id;
    const tanks: number[] = [];
    for (let i = 1; i <= 12; i++) {
      tanks.push(
        (await one(`insert into container (name, container_type_id, hall_id, volume_m3, max_biomass_kg) values ($1, $2, $3, 100, 5000) returning id`, [
          `T${String(i).padStart(2, '0')}`,
          tankType,
          hall,
        ])).id,
      );
    }
    const rings: number[] = [];
    for (let i = 1; i <= 3; i++) {
      rings.push(
        (await one(`insert into container (name, container_type_id, area_id, volume_m3, max_biomass_kg) values ($1, $2, $3, 50000, 1250000) returning id`, [
          `R${String(i).padStart(2, '0')}`,
          ringType,
          area,
        ])).id,
      );
    }
    const parameters: Record<string, number> = {};
    for (const [code, unit] of [['TEMPERATURE', '°C'], ['OXYGEN', 'mg/L']] as const) {
      parameters[code] = (await one(`insert into environmental_parameter (code, name, unit) values ($1, $1, $2) returning id`, [code, unit])).id;
    }
    const feed = (await one(`insert into feed (name, size_category, pellet_size_mm, protein_pct, fat_pct) values ('Start 1', 'SMALL', 1.5, 50, 20) returning id`)).id;
    return new MutationEnv(app, sql, { species, stages, tanks, rings, parameters, feed, scenario });
  }

  async stop(): Promise<void> {
    await this.sql.end();
    await this.app.stop();
  }

  /** Runs a mutation as the OPERATOR token `ops` (or another token's secret). */
  async mutate<T>(query: string, variables: Record<string, unknown>, secret = SECRETS.ops): Promise<GraphQLResponse<T>> {
    return this.app.graphql<T>(query, variables, { authorization: `Bearer ${secret}` });
  }

  async rows<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.sql.query(text, values)).rows as T[];
  }

  async one<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T> {
    return (await this.sql.query(text, values)).rows[0] as T;
  }
  /** Pairs of assignments sharing `containerId` on some day: must be none (the exclusion constraint's promise). */
  async overlaps(containerId: number): Promise<number> {
    const row = await this.one<{ n: number }>(
      `select count(*)::int as n from batch_container_assignment a join batch_container_assignment b
          on a.container_id = b.container_id and a.id < b.id
         and daterange(a.assignment_date, a.departure_date, '[)') && daterange(b.assignment_date, b.departure_date, '[)')
        where a.container_id = $1`,
      [containerId],
    );
    return row.n;
  }


  /** Row counts of every table a mutation may write, to prove a rejected one wrote nothing. */
  async counts(): Promise<Record<string, number>> {
    const tables = [
      'batch',
      'batch_creation',
      'batch_container_assignment',
      'batch_placement',
      'transfer_action',
      'harvest_event',
      'harvest_lot',
      'growth_sample',
      'growth_sample_fish',
      'mortality_event',
      'mortality_report',
      'feeding_event',
      'environmental_reading',
      'environmental_daily',
      'recompute_job',
      'mutation_idempotency',
      'daily_assignment_state',
      'graphile_worker._private_jobs',
    ];
    const row = await this.one<Record<string, number>>(`select ${tables.map((t) => `(select count(*) from ${t})::int as "${t}"`).join(', ')}`);
    const state = await this.one<{ s: string }>(
      `select md5(string_agg(concat_ws(',', id, departure_date, close_reason, dirty_from, dirty_seq, opening_population, version), ';' order by id)) as s
         from batch_container_assignment`,
    );
    const batches = await this.one<{ s: string }>(`select md5(string_agg(concat_ws(',', id, status, actual_end_date, version), ';' order by id)) as s from batch`);
    return { ...row, assignmentState: state.s as unknown as number, batchState: batches.s as unknown as number };
  }

  /**
   * A batch placed by SQL (the way seed data arrives): one assignment per tank from `startDate` with `count`
   * fish of `avgWeightG` each. Returns the batch and assignment ids.
   */
  async batch(batchNumber: string, startDate: string, tanks: number[], count = 1_000, avgWeightG = 50, stage = 'PARR'): Promise<{ id: number; assignments: number[] }> {
    const { id } = await this.one<{ id: number }>(
      `insert into batch (batch_number, species_id, status, start_date) values ($1, $2, 'ACTIVE', $3) returning id`,
      [batchNumber, this.ids.species, startDate],
    );
    const assignments: number[] = [];
    for (const tank of tanks) {
      const a = await this.one<{ id: number }>(
        `insert into batch_container_assignment (batch_id, container_id, lifecycle_stage_id, assignment_date, opening_population, opening_avg_weight_g)
         values ($1, $2, $3, $4, $5, $6) returning id`,
        [id, tank, this.ids.stages[stage], startDate, count, avgWeightG],
      );
      await this.sql.query(
        `insert into batch_placement (batch_id, assignment_id, placement_date, count, avg_weight_g) values ($1, $2, $3, $4, $5)`,
        [id, a.id, startDate, count, avgWeightG],
      );
      assignments.push(a.id);
    }
    return { id, assignments };
  }

  async assignment(id: number) {
    return this.one<{
      id: number;
      batch_id: number;
      container_id: number;
      assignment_date: string;
      departure_date: string | null;
      close_reason: string | null;
      dirty_from: string | null;
      opening_population: number;
    }>('select * from batch_container_assignment where id = $1', [id]);
  }

  async queuedJob(batchId: number) {
    return this.one<{ id: number; from_date: string | null; reason: string; status: string } | undefined>(
      `select id, from_date, reason, status from recompute_job where batch_id = $1 and status = 'QUEUED'`,
      [batchId],
    );
  }

  /** The graphile-worker wake-up job of a batch's recompute. */
  async wakeUp(batchId: number) {
    return this.one<{ task_identifier: string } | undefined>(
      `select t.identifier as task_identifier from graphile_worker._private_jobs j
         join graphile_worker._private_tasks t on t.id = j.task_id where j.key = $1`,
      [`recompute:${batchId}`],
    );
  }
}

export const USER_ERRORS = 'userErrors { code message field }';
