import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckName } from '../../../src/modules/synthetic/verify/report.js';
import { verifySeedRun, type VerifyOptions } from '../../../src/modules/synthetic/verify/verify.js';
import { openSeedDatabase, seed, type SeedTestDatabase } from './helpers.js';

/**
 * Every check must fail on deliberately corrupted data (synthetic-farm.md §10). Each case corrupts one thing,
 * verifies, and undoes the corruption, so the cases stay independent; a final run proves the data is clean again.
 */
let database: SeedTestDatabase;
let runId: number;

beforeAll(async () => {
  database = await openSeedDatabase();
  const result = await seed(database.orm, { profile: 'demo', workers: 2 });
  expect(result.status).toBe('SUCCEEDED');
  runId = result.runId;
});

afterAll(async () => {
  await database?.close();
});

const sql = (text: string) => database.orm.em.fork().getConnection().execute(text);

async function statusOf(name: CheckName, options: VerifyOptions = {}) {
  const report = await verifySeedRun(database.orm.em.fork(), runId, options);
  const check = report.checks.find((candidate) => candidate.name === name)!;
  return { report, check };
}

interface Corruption {
  name: CheckName;
  what: string;
  corrupt: string;
  restore: string;
  options?: VerifyOptions;
  message: RegExp;
}

const cases: Corruption[] = [
  {
    name: 'V1',
    what: 'a work item FAILED',
    corrupt: `update seed_run_batch set status = 'FAILED', error = 'injected' where batch_key = 1`,
    restore: `update seed_run_batch set status = 'DONE', error = null where batch_key = 1`,
    message: /batch .* is FAILED: injected/,
  },
  {
    name: 'V2',
    what: 'a third of the individual fish weights missing',
    corrupt: `create table gsf_backup as select * from growth_sample_fish where id % 3 = 0; delete from growth_sample_fish where id % 3 = 0`,
    restore: `insert into growth_sample_fish select * from gsf_backup; drop table gsf_backup`,
    message: /growth_sample_fish: \d+ rows, formula \d+/,
  },
  {
    name: 'V3',
    what: 'a destination counted twice on day 91',
    corrupt: `update daily_assignment_state set population = population * 2 where day_number = 91 and batch_id = (select min(id) from batch)`,
    restore: `update daily_assignment_state set population = population / 2 where day_number = 91 and batch_id = (select min(id) from batch)`,
    message: /day-91 population ÷ eggs = 1\.7\d+ \(a destination counted twice\?\)/,
  },
  {
    name: 'V4',
    what: 'one mortality event off by one fish',
    corrupt: `update mortality_event set count = count + 1 where id = (select min(id) from mortality_event)`,
    restore: `update mortality_event set count = count - 1 where id = (select min(id) from mortality_event)`,
    message: /batch \S+: the balance is off by -1 fish/,
  },
  {
    name: 'V5',
    what: 'the exclusion constraint dropped and an overlapping reservation inserted',
    corrupt: `alter table container_reservation drop constraint container_reservation_no_overlap;
              insert into container_reservation (container_id, seed_run_id, batch_key, stage_order, during)
              select container_id, seed_run_id, batch_key + 1000, stage_order, during from container_reservation order by id limit 1`,
    restore: `delete from container_reservation where batch_key >= 1000;
              alter table container_reservation add constraint container_reservation_no_overlap exclude using gist (container_id with =, during with &&)`,
    message: /exclusion constraint missing on container_reservation; container \S+: reservations .* overlap/,
  },
  {
    name: 'V6',
    what: 'a transfer action moving one fish fewer than its source held',
    corrupt: `update transfer_action set transferred_count = transferred_count - 1 where id = (select min(id) from transfer_action)`,
    restore: `update transfer_action set transferred_count = transferred_count + 1 where id = (select min(id) from transfer_action)`,
    message: /source assignment \d+ on \d{4}-\d\d-\d\d: \d+ moved \+ lost, population before \d+/,
  },
  {
    name: 'V7',
    what: 'a tank above its max biomass',
    corrupt: `update daily_assignment_state set biomass_kg = biomass_kg + 1000000 where (assignment_id, date) = (select assignment_id, min(date) from daily_assignment_state where assignment_id = (select min(assignment_id) from daily_assignment_state) group by 1)`,
    restore: `update daily_assignment_state set biomass_kg = biomass_kg - 1000000 where biomass_kg >= 1000000`,
    message: /container \S+ on \d{4}-\d\d-\d\d: .* kg > max .* kg/,
  },
  {
    name: 'V8',
    what: 'a utilisation day above 100 %',
    corrupt: `update seed_utilisation_daily set occupied = containers + 1 where date = (select max(date) from seed_utilisation_daily)`,
    restore: `update seed_utilisation_daily set occupied = containers - 1 where occupied > containers`,
    message: /exceeds 100 %/,
  },
  {
    name: 'V9',
    what: 'a stored daily weight the engine does not reproduce',
    corrupt: `update daily_assignment_state set avg_weight_g = avg_weight_g + 1 where (assignment_id, date) = (select assignment_id, max(date) from daily_assignment_state where batch_id = (select max(id) from batch) group by 1 order by 1 limit 1)`,
    restore: `update daily_assignment_state d set avg_weight_g = avg_weight_g - 1 where (assignment_id, date) = (select assignment_id, max(date) from daily_assignment_state where batch_id = (select max(id) from batch) group by 1 order by 1 limit 1)`,
    message: /assignment \d+, \d{4}-\d\d-\d\d: weight .* g/,
  },
  {
    name: 'V10',
    what: 'temperature readings shifted by half a degree',
    corrupt: `update environmental_reading set value = value + 0.5 where parameter_id = (select id from environmental_parameter where code = 'TEMPERATURE')`,
    restore: `update environmental_reading set value = value - 0.5 where parameter_id = (select id from environmental_parameter where code = 'TEMPERATURE')`,
    message: /container \S+ on \d{4}-\d\d-\d\d: daily state .* °C, mean of 6 readings/,
  },
  {
    name: 'V11',
    what: 'the completed batch fed twice as much',
    corrupt: `update feeding_event set amount_kg = amount_kg * 2 where assignment_id in (select a.id from batch_container_assignment a join batch b on b.id = a.batch_id where b.status = 'COMPLETED')`,
    restore: `update feeding_event set amount_kg = amount_kg / 2 where assignment_id in (select a.id from batch_container_assignment a join batch b on b.id = a.batch_id where b.status = 'COMPLETED')`,
    message: /economic FCR 2\.\d+/,
  },
  {
    name: 'V12',
    what: 'one sensor reading changed (deep: the rows no longer hash to the batch hash)',
    corrupt: `update environmental_reading set value = value + 0.01 where id = (select max(id) from environmental_reading)`,
    restore: `update environmental_reading set value = value - 0.01 where id = (select max(id) from environmental_reading)`,
    options: { deep: true },
    message: /batch \S+: rows hash to [0-9a-f]{64}, stored [0-9a-f]{64}/,
  },
];

describe('verification fails on corrupted data', () => {
  it('passes on the clean demo data', async () => {
    const report = await verifySeedRun(database.orm.em.fork(), runId);
    expect(report.checks.filter((check) => check.status === 'FAIL').map((check) => check.message)).toEqual([]);
  });

  it.each(cases)('$name fails: $what', async ({ name, corrupt, restore, options, message }) => {
    await sql(corrupt);
    try {
      const { report, check } = await statusOf(name, options);
      expect(check.status, check.message).toBe('FAIL');
      expect(check.ok).toBe(false);
      expect(check.message).toMatch(message);
      expect(report.ok).toBe(false);
    } finally {
      await sql(restore);
    }
  });

  it('V12 fails on a hash the caller did not expect', async () => {
    const { check } = await statusOf('V12', { expectHash: '0'.repeat(64) });
    expect(check.status).toBe('FAIL');
    expect(check.message).toMatch(/differs from the expected 0{64}/);
  });

  it('passes again once every corruption is undone, hash recomputed from the rows', async () => {
    const report = await verifySeedRun(database.orm.em.fork(), runId, { deep: true });
    expect(report.checks.filter((check) => check.status === 'FAIL').map((check) => `${check.name} ${check.message}`)).toEqual([]);
  });
});
