import pg from 'pg';

/**
 * SQL-level builders for growth tests: a scenario, containers, batches, assignments and engine inputs, written
 * the way the application stores them (plain rows; no ORM needed to set up a case).
 */
export class GrowthFixture {
  private constructor(readonly sql: pg.Client, readonly ids: { species: number; stage: Record<string, number>; temperature: number; hall: number; type: number }) {}

  static async create(url: string): Promise<GrowthFixture> {
    const sql = new pg.Client({ connectionString: url });
    await sql.connect();
    const one = async (text: string, values: unknown[] = []) => (await sql.query(text, values)).rows[0];
    const species = (await one(`select id from species where name = 'Atlantic Salmon'`)).id;
    const stageRows = (await sql.query(`select id, code from lifecycle_stage where species_id = $1`, [species])).rows;
    const temperature = (
      await one(`insert into environmental_parameter (code, name, unit) values ('TEMPERATURE', 'Temperature', '°C') returning id`)
    ).id;
    const geography = (await one(`insert into geography (code, name) values ('FO', 'Faroe Islands') returning id`)).id;
    const station = (
      await one(`insert into freshwater_station (geography_id, name, latitude, longitude) values ($1, 'FO-FW-01', 62, -7) returning id`, [geography])
    ).id;
    const hall = (await one(`insert into hall (station_id, name) values ($1, 'A') returning id`, [station])).id;
    const type = (await one(`insert into container_type (code, name, category, max_volume_m3) values ('TANK', 'Tank', 'TANK', 1000) returning id`)).id;
    await sql.query(`select ensure_time_partitions(t, '2023-12-01', '2025-12-31') from unnest(array['environmental_daily','daily_assignment_state','feeding_event','environmental_reading']) t`);
    return new GrowthFixture(sql, { species, stage: Object.fromEntries(stageRows.map((r) => [r.code, r.id])), temperature, hall, type });
  }

  /** Partitions of the daily tables for [from, to], for fixtures dated around today (outside 2023-12 – 2025-12). */
  async dailyPartitions(from: string, to: string): Promise<void> {
    await this.sql.query(`select ensure_time_partitions(t, $1::date, $2::date) from unnest(array['environmental_daily','daily_assignment_state']) t`, [from, to]);
  }

  async one<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T> {
    return (await this.sql.query(text, values)).rows[0] as T;
  }

  async rows<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.sql.query(text, values)).rows as T[];
  }

  async container(name: string): Promise<number> {
    return (await this.one<{ id: number }>(
      `insert into container (name, container_type_id, hall_id, volume_m3, max_biomass_kg) values ($1, $2, $3, 1000, 75000) returning id`,
      [name, this.ids.type, this.ids.hall],
    )).id;
  }

  /** A scenario with a base TGC and mortality, and per-stage overrides. */
  async scenario(name: string, baseTgc: number, baseMortalityPct: number, stageParams: Array<{ stage: string; tgc?: number | null; mortalityPct?: number | null }> = []) {
    const { id } = await this.one<{ id: number }>(
      `insert into scenario (name, species_id, base_tgc, base_mortality_rate_pct) values ($1, $2, $3, $4) returning id`,
      [name, this.ids.species, baseTgc, baseMortalityPct],
    );
    for (const p of stageParams) {
      await this.sql.query(
        `insert into scenario_stage_parameter (scenario_id, lifecycle_stage_id, tgc, mortality_rate_pct) values ($1, $2, $3, $4)`,
        [id, this.ids.stage[p.stage], p.tgc ?? null, p.mortalityPct ?? null],
      );
    }
    return id;
  }

  async batch(batchNumber: string, startDate: string, scenarioId: number | null): Promise<number> {
    return (await this.one<{ id: number }>(
      `insert into batch (batch_number, species_id, status, start_date, scenario_id) values ($1, $2, 'ACTIVE', $3, $4) returning id`,
      [batchNumber, this.ids.species, startDate, scenarioId],
    )).id;
  }

  async assignment(batchId: number, containerId: number, stage: string, from: string, to: string | null = null, openingPopulation = 0): Promise<number> {
    return (await this.one<{ id: number }>(
      `insert into batch_container_assignment (batch_id, container_id, lifecycle_stage_id, assignment_date, departure_date, opening_population)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [batchId, containerId, this.ids.stage[stage], from, to, openingPopulation],
    )).id;
  }

  async placement(batchId: number, assignmentId: number, date: string, count: number, avgWeightG: number): Promise<void> {
    await this.sql.query(
      `insert into batch_placement (batch_id, assignment_id, placement_date, count, avg_weight_g) values ($1, $2, $3, $4, $5)`,
      [batchId, assignmentId, date, count, avgWeightG],
    );
  }

  async sample(assignmentId: number, date: string, avgWeightG: number, sampleSize: number): Promise<number> {
    return (await this.one<{ id: number }>(
      `insert into growth_sample (assignment_id, sample_date, sample_size, avg_weight_g, recorded_by) values ($1, $2, $3, $4, 'test') returning id`,
      [assignmentId, date, sampleSize, avgWeightG],
    )).id;
  }

  async mortality(batchId: number, assignmentId: number, date: string, count: number): Promise<number> {
    return (await this.one<{ id: number }>(
      `insert into mortality_event (batch_id, assignment_id, event_date, count, cause, recorded_by) values ($1, $2, $3, $4, 'UNKNOWN', 'test') returning id`,
      [batchId, assignmentId, date, count],
    )).id;
  }

  async transfer(batchId: number, source: number, dest: number, date: string, count: number, measuredAvgWeightG: number | null = null, mortality = 0) {
    await this.sql.query(
      `insert into transfer_action (batch_id, source_assignment_id, dest_assignment_id, status, execution_date, transferred_count,
                                    mortality_during_transfer, measured_avg_weight_g, measured_sample_size)
       values ($1, $2, $3, 'COMPLETED', $4, $5, $6, $7, $8)`,
      [batchId, source, dest, date, count, mortality, measuredAvgWeightG, measuredAvgWeightG ? 30 : null],
    );
  }

  /** One TEMPERATURE daily mean per day in [from, to]. */
  async temperatures(containerId: number, from: string, to: string, celsius: number): Promise<void> {
    await this.sql.query(
      `insert into environmental_daily (container_id, parameter_id, date, avg_value, min_value, max_value, reading_count)
       select $1, $2, d::date, $5, $5, $5, 6 from generate_series($3::date, $4::date, interval '1 day') d`,
      [containerId, this.ids.temperature, from, to, celsius],
    );
  }

  async dailyRows(assignmentId: number) {
    return this.rows<{
      date: string;
      population: number;
      avg_weight_g: number;
      tgc_used: number;
      sources: { weight: string; calibrated: boolean };
      computed_at: Date;
    }>(
      `select date, population, avg_weight_g, tgc_used, sources, computed_at from daily_assignment_state where assignment_id = $1 order by date`,
      [assignmentId],
    );
  }

  close() {
    return this.sql.end();
  }
}

