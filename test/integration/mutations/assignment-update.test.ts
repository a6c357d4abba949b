import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import { call, expectUnchanged as unchanged, idOf, runRecompute, settle } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, SECRETS, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;
const start = daysAgo(30);

const aGid = (id: number) => gid('BatchContainerAssignment', id);
const tankGid = (i: number) => gid('Container', env.ids.tanks[i]!);
const stageGid = (code: string) => gid('LifecycleStage', env.ids.stages[code]!);
const expectUnchanged = (id: number, run: () => Promise<void>) => unchanged(env, 'batch_container_assignment', id, run);
const versionOf = async (id: number) => (await env.one<{ version: number }>('select version from batch_container_assignment where id = $1', [id])).version;

const ASSIGNMENT_FIELDS = 'id version assignmentDate departureDate closeReason openingPopulation lifecycleStage { code }';
const UPDATE = `mutation($input: AssignmentUpdateInput!) {
  assignmentUpdate(input: $input) { assignment { ${ASSIGNMENT_FIELDS} } recomputeJob { status fromDate batch { id } } ${USER_ERRORS} }
}`;
const CLOSE = `mutation($input: AssignmentCloseInput!) { assignmentClose(input: $input) { assignment { id } ${USER_ERRORS} } }`;
const TRANSFER = `mutation($input: TransferCreateInput!) { transferCreate(input: $input) { destAssignment { id assignmentDate } ${USER_ERRORS} } }`;

interface UpdatePayload {
  assignment: {
    id: string;
    version: number;
    assignmentDate: string;
    departureDate: string | null;
    closeReason: string | null;
    openingPopulation: number;
    lifecycleStage: { code: string };
  } | null;
  recomputeJob: { status: string; fromDate: string; batch: { id: string } } | null;
  userErrors: UserErrorShape[];
}

const update = (input: Record<string, unknown>) => call<UpdatePayload>(env, UPDATE, 'assignmentUpdate', input);

/** Runs each case against `assignmentId` and checks it is refused as expected, writing nothing. */
async function expectRefused(assignmentId: number, cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]>): Promise<void> {
  await expectUnchanged(assignmentId, async () => {
    for (const [input, expected] of cases) {
      const result = await update(input);
      expect(result.assignment, JSON.stringify(input)).toBeNull();
      expect(result.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
    }
  });
}

beforeAll(async () => {
  env = await MutationEnv.start();
});

afterAll(async () => {
  await env.stop();
});

describe('assignmentUpdate: stage', () => {
  it('changes the arrival stage, marks the assignment from its arrival and the sources of transfers into it, and the series follows', async () => {
    const batch = await env.batch('AU-001', start, [env.ids.tanks[0]!], 1_000, 50);
    const source = batch.assignments[0]!;
    const day = addDays(start, 10);
    const moved = await call<{ destAssignment: { id: string }; userErrors: UserErrorShape[] }>(env, TRANSFER, 'transferCreate', {
      sourceAssignmentId: aGid(source),
      destContainerId: tankGid(1),
      executionDate: day,
      transferredCount: 400,
    });
    expect(moved.userErrors).toEqual([]);
    const dest = idOf(moved.destAssignment.id);
    await runRecompute(env, batch.id);
    await settle(env, batch.id);

    const version = await versionOf(dest);
    const changed = await update({ id: aGid(dest), version, lifecycleStageId: stageGid('SMOLT') });
    expect(changed.userErrors).toEqual([]);
    expect(changed.assignment).toMatchObject({ version: version + 1, lifecycleStage: { code: 'SMOLT' }, assignmentDate: day });
    expect(changed.recomputeJob).toEqual({ status: 'QUEUED', fromDate: addDays(day, -1), batch: { id: gid('Batch', batch.id) } });
    expect((await env.assignment(dest)).dirty_from).toBe(day);
    expect((await env.assignment(source)).dirty_from).toBe(addDays(day, -1));
    expect(await env.wakeUp(batch.id)).toEqual({ task_identifier: 'recompute' });

    await runRecompute(env, batch.id);
    const row = await env.one<{ lifecycle_stage_id: number }>('select lifecycle_stage_id from daily_assignment_state where assignment_id = $1 and date = $2', [dest, day]);
    expect(row.lifecycle_stage_id).toBe(env.ids.stages['SMOLT']);

    // The same stage again changes nothing and queues nothing.
    await settle(env, batch.id);
    await expectUnchanged(dest, async () => {
      const same = await update({ id: aGid(dest), version: version + 1, lifecycleStageId: stageGid('SMOLT') });
      expect(same.userErrors).toEqual([]);
      expect(same.recomputeJob).toBeNull();
    });
  });

  it('answers a stage of another species, bad ids, a stale version and cleared fields with user errors and writes nothing', async () => {
    const batch = await env.batch('AU-002', start, [env.ids.tanks[2]!], 1_000, 50);
    const id = batch.assignments[0]!;
    const species = await env.one<{ id: number }>(`insert into species (name, scientific_name) values ('Rainbow Trout', 'Oncorhynchus mykiss') returning id`);
    const trout = await env.one<{ id: number }>(
      `insert into lifecycle_stage (species_id, code, name, "order", environment) values ($1, 'FRY', 'Fry', 2, 'FRESHWATER') returning id`,
      [species.id],
    );
    const version = await versionOf(id);
    await expectRefused(id, [
      [{ id: aGid(id), version, lifecycleStageId: gid('LifecycleStage', trout.id) }, { code: 'VALIDATION', field: ['input', 'lifecycleStageId'], message: expect.stringContaining("batch's species") }],
      [{ id: aGid(id), version, lifecycleStageId: gid('LifecycleStage', 999_999) }, { code: 'NOT_FOUND', field: ['input', 'lifecycleStageId'] }],
      [{ id: aGid(id), version: version + 1, lifecycleStageId: stageGid('SMOLT') }, { code: 'STALE_VERSION', field: ['input', 'version'] }],
      [{ id: aGid(999_999), version, lifecycleStageId: stageGid('SMOLT') }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
      [{ id: gid('Batch', batch.id), version, lifecycleStageId: stageGid('SMOLT') }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
      [{ id: aGid(id), version: 0 }, { code: 'VALIDATION', field: ['input', 'version'] }],
      [{ id: aGid(id), version, lifecycleStageId: null }, { code: 'VALIDATION', field: ['input', 'lifecycleStageId'] }],
      [{ id: aGid(id), version, assignmentDate: null }, { code: 'VALIDATION', field: ['input', 'assignmentDate'] }],
    ]);
  });
});

describe('assignmentUpdate: departure', () => {
  it('moves the departure of a closed assignment within what is recorded; days taken by another assignment are a CONFLICT', async () => {
    const batch = await env.batch('AU-010', start, [env.ids.tanks[3]!], 500, 50);
    const id = batch.assignments[0]!;
    const closed = await call<{ userErrors: UserErrorShape[] }>(env, CLOSE, 'assignmentClose', { assignmentId: aGid(id), date: addDays(start, 10), reason: 'OTHER' });
    expect(closed.userErrors).toEqual([]);
    expect(await env.one('select status, actual_end_date from batch where id = $1', [batch.id])).toEqual({ status: 'COMPLETED', actual_end_date: addDays(start, 10) });
    const next = await env.batch('AU-011', addDays(start, 15), [env.ids.tanks[3]!], 100, 50);
    await settle(env, batch.id);

    const version = await versionOf(id);
    const later = await update({ id: aGid(id), version, departureDate: addDays(start, 12) });
    expect(later.userErrors).toEqual([]);
    expect(later.assignment).toMatchObject({ version: version + 1, departureDate: addDays(start, 12), closeReason: 'OTHER', assignmentDate: start });
    // Departure edits mark from the day before the earlier of the old and new departures.
    expect(later.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: addDays(start, 9) });
    expect((await env.assignment(id)).dirty_from).toBe(addDays(start, 9));
    expect(await env.one('select actual_end_date from batch where id = $1', [batch.id])).toEqual({ actual_end_date: addDays(start, 12) });
    await runRecompute(env, batch.id);
    const last = await env.one<{ date: string }>('select max(date) as date from daily_assignment_state where assignment_id = $1', [id]);
    expect(last.date).toBe(addDays(start, 11));

    await env.sql.query(`insert into mortality_event (batch_id, assignment_id, event_date, count, cause, recorded_by) values ($1, $2, $3, 5, 'DISEASE', 'ops')`, [
      batch.id,
      id,
      addDays(start, 11),
    ]);
    await settle(env, batch.id);
    const current = version + 1;
    await expectRefused(id, [
      [
        { id: aGid(id), version: current, departureDate: addDays(start, 16) },
        { code: 'CONFLICT', field: ['input', 'departureDate'], message: expect.stringContaining(`occupied by batch AU-011 from ${addDays(start, 15)}`) },
      ],
      [
        { id: aGid(id), version: current, departureDate: addDays(start, 11) },
        { code: 'VALIDATION', field: ['input', 'departureDate'], message: expect.stringContaining(`mortality event dated ${addDays(start, 11)} (MortalityEvent`) },
      ],
      [{ id: aGid(id), version: current, departureDate: start }, { code: 'VALIDATION', field: ['input', 'departureDate'] }],
      [{ id: aGid(id), version: current, departureDate: addDays(today, 1) }, { code: 'VALIDATION', field: ['input', 'departureDate'] }],
      [{ id: aGid(id), version: current, departureDate: null }, { code: 'VALIDATION', field: ['input', 'departureDate'] }],
      [{ id: aGid(next.assignments[0]!), version: 1, departureDate: addDays(start, 20) }, { code: 'VALIDATION', field: ['input', 'departureDate'], message: expect.stringContaining('assignmentClose') }],
    ]);
  });

  it('refuses moving a departure that an emptying transfer made', async () => {
    const batch = await env.batch('AU-020', start, [env.ids.tanks[4]!], 500, 50);
    const id = batch.assignments[0]!;
    const moved = await call<{ userErrors: UserErrorShape[] }>(env, TRANSFER, 'transferCreate', {
      sourceAssignmentId: aGid(id),
      destContainerId: tankGid(5),
      executionDate: addDays(start, 10),
      transferredCount: 500,
      emptiesSource: true,
    });
    expect(moved.userErrors).toEqual([]);
    await expectRefused(id, [
      [
        { id: aGid(id), version: await versionOf(id), departureDate: addDays(start, 8) },
        { code: 'VALIDATION', field: ['input', 'departureDate'], message: expect.stringContaining('emptying transfer') },
      ],
    ]);
  });
});

describe('assignmentUpdate: arrival', () => {
  it('keeps the arrival on the first placement, and aligns it with a first arrival recorded later', async () => {
    const batch = await env.batch('AU-030', start, [env.ids.tanks[6]!], 800, 50);
    const id = batch.assignments[0]!;
    await expectRefused(id, [
      [
        { id: aGid(id), version: await versionOf(id), assignmentDate: addDays(start, 1) },
        { code: 'VALIDATION', field: ['input', 'assignmentDate'], message: expect.stringContaining('opens with the placement dated') },
      ],
      [{ id: aGid(id), version: await versionOf(id), assignmentDate: addDays(start, -1) }, { code: 'VALIDATION', field: ['input', 'assignmentDate'], message: expect.stringContaining('before batch AU-030 starts') }],
    ]);

    // The fish arrived two days after the recorded arrival: the arrival day may move onto the placement, not past it.
    await env.sql.query('update batch_placement set placement_date = $2 where assignment_id = $1', [id, addDays(start, 2)]);
    await env.sql.query('update batch_container_assignment set opening_population = 0 where id = $1', [id]);
    await expectRefused(id, [
      [{ id: aGid(id), version: await versionOf(id), assignmentDate: addDays(start, 3) }, { code: 'VALIDATION', field: ['input', 'assignmentDate'] }],
    ]);
    const aligned = await update({ id: aGid(id), version: await versionOf(id), assignmentDate: addDays(start, 2) });
    expect(aligned.userErrors).toEqual([]);
    expect(aligned.assignment).toMatchObject({ assignmentDate: addDays(start, 2), openingPopulation: 800 });
    expect(aligned.recomputeJob).toMatchObject({ status: 'QUEUED', fromDate: start });
    expect((await env.assignment(id)).dirty_from).toBe(start);
  });

  it('refuses an arrival day that would put a stored harvest on it (outflows come after the arrival, as harvestCreate requires)', async () => {
    const batch = await env.batch('AU-060', start, [env.ids.tanks[10]!], 800, 50);
    const id = batch.assignments[0]!;
    await env.sql.query('update batch_placement set placement_date = $2 where assignment_id = $1', [id, addDays(start, 2)]);
    await env.sql.query('update batch_container_assignment set opening_population = 0 where id = $1', [id]);
    await env.sql.query(
      `insert into harvest_event (batch_id, assignment_id, harvest_date, count, live_biomass_kg, recorded_by) values ($1, $2, $3, 10, 0.5, 'test')`,
      [batch.id, id, addDays(start, 2)],
    );
    await expectRefused(id, [
      [
        { id: aGid(id), version: await versionOf(id), assignmentDate: addDays(start, 2) },
        { code: 'VALIDATION', field: ['input', 'assignmentDate'], message: expect.stringContaining(`harvest dated ${addDays(start, 2)}`) },
      ],
    ]);
  });

  it('moves an empty booking within its plans; days taken by another batch are a CONFLICT', async () => {
    const batch = await env.batch('AU-040', start, [env.ids.tanks[7]!], 800, 50);
    const old = await env.batch('AU-041', start, [env.ids.tanks[8]!], 100, 50);
    await env.sql.query(`update batch_container_assignment set departure_date = $2, close_reason = 'OTHER' where id = $1`, [old.assignments[0], addDays(start, 20)]);
    const planned = await call<{ destAssignment: { id: string; assignmentDate: string }; userErrors: UserErrorShape[] }>(env, TRANSFER, 'transferCreate', {
      sourceAssignmentId: aGid(batch.assignments[0]!),
      destContainerId: tankGid(8),
      status: 'PLANNED',
      plannedDate: addDays(today, 5),
      transferredCount: 100,
    });
    expect(planned.userErrors).toEqual([]);
    const booking = idOf(planned.destAssignment.id);
    await settle(env, batch.id);

    const earlier = await update({ id: aGid(booking), version: await versionOf(booking), assignmentDate: addDays(today, 3) });
    expect(earlier.userErrors).toEqual([]);
    expect(earlier.assignment).toMatchObject({ assignmentDate: addDays(today, 3), openingPopulation: 0 });
    expect(earlier.recomputeJob).toMatchObject({ fromDate: addDays(today, 3) });

    const version = await versionOf(booking);
    await expectRefused(booking, [
      [
        { id: aGid(booking), version, assignmentDate: addDays(today, 6) },
        { code: 'VALIDATION', field: ['input', 'assignmentDate'], message: expect.stringContaining(`planned incoming transfer dated ${addDays(today, 5)}`) },
      ],
      [
        { id: aGid(booking), version, assignmentDate: addDays(start, 18) },
        { code: 'CONFLICT', field: ['input', 'assignmentDate'], message: expect.stringContaining('occupied by batch AU-041') },
      ],
    ]);
    const fits = await update({ id: aGid(booking), version, assignmentDate: addDays(start, 20) });
    expect(fits.userErrors).toEqual([]);
    expect(fits.assignment).toMatchObject({ assignmentDate: addDays(start, 20) });
  });
});

describe('assignmentUpdate: roles', () => {
  it('refuses a VIEWER token with a top-level FORBIDDEN error and writes nothing', async () => {
    const batch = await env.batch('AU-050', start, [env.ids.tanks[9]!], 100, 50);
    const id = batch.assignments[0]!;
    await expectUnchanged(id, async () => {
      const res = await env.mutate(UPDATE, { input: { id: aGid(id), version: 1, lifecycleStageId: stageGid('SMOLT') } }, SECRETS.alice);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });
});
