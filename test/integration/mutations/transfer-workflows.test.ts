import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/shared/dates.js';
import { call, idOf, runRecompute, settle } from './edit-helpers.js';
import { daysAgo, gid, MutationEnv, SECRETS, today, USER_ERRORS, type UserErrorShape } from './mutation-fixtures.js';

let env: MutationEnv;
const start = daysAgo(30);
/** Batch WF-001: tank T01 from `start`, 1,000 parr. */
let batch: { id: number; assignments: number[] };

const aGid = (id: number) => gid('BatchContainerAssignment', id);
const tankGid = (i: number) => gid('Container', env.ids.tanks[i]!);
const stageGid = (code: string) => gid('LifecycleStage', env.ids.stages[code]!);

const WORKFLOW_FIELDS = `id version workflowNumber workflowType status plannedStartDate actualStartDate actualCompletionDate notes
  batch { id } sourceStage { code } destStage { code } actions { id status executionDate }`;
const CREATE = `mutation($input: TransferWorkflowCreateInput!) { transferWorkflowCreate(input: $input) { transferWorkflow { ${WORKFLOW_FIELDS} } ${USER_ERRORS} } }`;
const UPDATE = `mutation($input: TransferWorkflowUpdateInput!) { transferWorkflowUpdate(input: $input) { transferWorkflow { ${WORKFLOW_FIELDS} } ${USER_ERRORS} } }`;
const CANCEL = `mutation($input: TransferWorkflowCancelInput!) { transferWorkflowCancel(input: $input) { transferWorkflow { ${WORKFLOW_FIELDS} } ${USER_ERRORS} } }`;
const TRANSFER_CREATE = `mutation($input: TransferCreateInput!) {
  transferCreate(input: $input) { transferAction { id version status workflow { id status } } destAssignment { id } ${USER_ERRORS} }
}`;
const TRANSFER_COMPLETE = `mutation($input: TransferCompleteInput!) { transferComplete(input: $input) { transferAction { id version status } ${USER_ERRORS} } }`;
const TRANSFER_UPDATE = `mutation($input: TransferUpdateInput!) { transferUpdate(input: $input) { transferAction { id version executionDate } ${USER_ERRORS} } }`;
const TRANSFER_CANCEL = `mutation($input: TransferCancelInput!) { transferCancel(input: $input) { transferAction { id version status } ${USER_ERRORS} } }`;
const WORKFLOW = `query($id: ID!) { node(id: $id) { ... on TransferWorkflow { ${WORKFLOW_FIELDS} } } }`;

interface WorkflowShape {
  id: string;
  version: number;
  workflowNumber: string;
  workflowType: string;
  status: string;
  plannedStartDate: string;
  actualStartDate: string | null;
  actualCompletionDate: string | null;
  notes: string | null;
  batch: { id: string };
  sourceStage: { code: string };
  destStage: { code: string };
  actions: Array<{ id: string; status: string; executionDate: string | null }>;
}
interface WorkflowPayload {
  transferWorkflow: WorkflowShape | null;
  userErrors: UserErrorShape[];
}
interface TransferPayload {
  transferAction: { id: string; version: number; status: string; executionDate?: string | null; workflow?: { id: string; status: string } | null } | null;
  destAssignment?: { id: string } | null;
  userErrors: UserErrorShape[];
}

const create = (input: Record<string, unknown>) => call<WorkflowPayload>(env, CREATE, 'transferWorkflowCreate', input);
const update = (input: Record<string, unknown>) => call<WorkflowPayload>(env, UPDATE, 'transferWorkflowUpdate', input);
const cancel = (input: Record<string, unknown>) => call<WorkflowPayload>(env, CANCEL, 'transferWorkflowCancel', input);
const transferCreate = (input: Record<string, unknown>) => call<TransferPayload>(env, TRANSFER_CREATE, 'transferCreate', input);
const transferComplete = (input: Record<string, unknown>) => call<TransferPayload>(env, TRANSFER_COMPLETE, 'transferComplete', input);
const transferUpdate = (input: Record<string, unknown>) => call<TransferPayload>(env, TRANSFER_UPDATE, 'transferUpdate', input);
const transferCancel = (input: Record<string, unknown>) => call<TransferPayload>(env, TRANSFER_CANCEL, 'transferCancel', input);

async function workflow(id: string): Promise<WorkflowShape> {
  const res = await env.app.graphql<{ node: WorkflowShape }>(WORKFLOW, { id }, { authorization: `Bearer ${SECRETS.alice}` });
  expect(res.errors).toBeUndefined();
  return res.data!.node;
}

/** A PLANNED workflow PARR → SMOLT of `batchId` planned on `day`. */
async function planned(batchId: number, day: string, extra: Record<string, unknown> = {}): Promise<WorkflowShape> {
  const res = await create({
    batchId: gid('Batch', batchId),
    workflowType: 'LIFECYCLE_TRANSITION',
    sourceStageId: stageGid('PARR'),
    destStageId: stageGid('SMOLT'),
    plannedStartDate: day,
    ...extra,
  });
  expect(res.userErrors).toEqual([]);
  return res.transferWorkflow!;
}

/** Every table count, every workflow and every transfer's status as they are. */
async function state() {
  return {
    counts: await env.counts(),
    workflows: await env.rows('select * from transfer_workflow order by id'),
    actions: await env.rows('select id, status, version, workflow_id from transfer_action order by id'),
    jobs: await env.rows('select id, status, from_date from recompute_job order by id'),
  };
}

/** Runs `run` and checks it wrote nothing anywhere. */
async function expectNothingWritten(run: () => Promise<void>): Promise<void> {
  const before = await state();
  await run();
  expect(await state()).toEqual(before);
}

beforeAll(async () => {
  env = await MutationEnv.start();
  batch = await env.batch('WF-001', start, [env.ids.tanks[0]!], 1_000, 50);
});

afterAll(async () => {
  await env.stop();
});

describe('transferWorkflowCreate', () => {
  it('creates a PLANNED workflow numbered from the day number of its planned start, without a recompute; a retry with the key replays it', async () => {
    const input = {
      batchId: gid('Batch', batch.id),
      workflowType: 'LIFECYCLE_TRANSITION',
      sourceStageId: stageGid('PARR'),
      destStageId: stageGid('SMOLT'),
      plannedStartDate: addDays(start, 90),
      notes: 'smoltification',
      idempotencyKey: 'wf-create-1',
    };
    const created = await create(input);
    expect(created.userErrors).toEqual([]);
    expect(created.transferWorkflow).toMatchObject({
      version: 1,
      workflowNumber: 'TRF-WF-001-D091',
      workflowType: 'LIFECYCLE_TRANSITION',
      status: 'PLANNED',
      plannedStartDate: addDays(start, 90),
      actualStartDate: null,
      actualCompletionDate: null,
      notes: 'smoltification',
      batch: { id: gid('Batch', batch.id) },
      sourceStage: { code: 'PARR' },
      destStage: { code: 'SMOLT' },
      actions: [],
    });
    expect(await env.queuedJob(batch.id)).toBeUndefined();

    await expectNothingWritten(async () => {
      const replay = await create(input);
      expect(replay).toEqual(created);
    });
  });

  it('answers a second workflow on the same day, bad ids and inputs with user errors and writes nothing', async () => {
    const base = {
      batchId: gid('Batch', batch.id),
      workflowType: 'LIFECYCLE_TRANSITION',
      sourceStageId: stageGid('PARR'),
      destStageId: stageGid('SMOLT'),
      plannedStartDate: addDays(start, 90),
    };
    const cancelled = await env.one<{ id: number }>(
      `insert into batch (batch_number, species_id, status, start_date) values ('WF-X', $1, 'CANCELLED', $2) returning id`,
      [env.ids.species, start],
    );
    await expectNothingWritten(async () => {
      const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
        [base, { code: 'CONFLICT', field: ['input', 'plannedStartDate'], message: expect.stringContaining('TRF-WF-001-D091 already exists') }],
        [{ ...base, batchId: gid('Batch', 999_999) }, { code: 'NOT_FOUND', field: ['input', 'batchId'] }],
        [{ ...base, batchId: aGid(batch.assignments[0]!) }, { code: 'NOT_FOUND', field: ['input', 'batchId'] }],
        [{ ...base, batchId: gid('Batch', cancelled.id) }, { code: 'CONFLICT', field: ['input', 'batchId'] }],
        [{ ...base, sourceStageId: gid('LifecycleStage', 999_999) }, { code: 'NOT_FOUND', field: ['input', 'sourceStageId'] }],
        [{ ...base, destStageId: stageGid('PARR'), plannedStartDate: addDays(start, 91) }, { code: 'VALIDATION', field: ['input', 'destStageId'] }],
        [{ ...base, destStageId: stageGid('FRY'), plannedStartDate: addDays(start, 91) }, { code: 'VALIDATION', field: ['input', 'destStageId'] }],
        [{ ...base, plannedStartDate: addDays(start, -1) }, { code: 'VALIDATION', field: ['input', 'plannedStartDate'] }],
      ];
      for (const [input, expected] of cases) {
        const result = await create(input);
        expect(result.transferWorkflow, JSON.stringify(input)).toBeNull();
        expect(result.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
      }
    });
    // A redistribution may keep the stage.
    const same = await create({ ...base, workflowType: 'CONTAINER_REDISTRIBUTION', destStageId: stageGid('PARR'), plannedStartDate: addDays(start, 95) });
    expect(same.userErrors).toEqual([]);
    expect(same.transferWorkflow).toMatchObject({ workflowNumber: 'TRF-WF-001-D096', status: 'PLANNED' });
  });
});

describe('status follows the actions', () => {
  it('goes PLANNED → IN_PROGRESS → COMPLETED with its transfers and takes its actual dates from them', async () => {
    const wf = await planned(batch.id, addDays(start, 10));
    const source = aGid(batch.assignments[0]!);
    const first = await transferCreate({ sourceAssignmentId: source, destContainerId: tankGid(1), status: 'PLANNED', plannedDate: addDays(today, 5), transferredCount: 300, workflowId: wf.id });
    expect(first.userErrors).toEqual([]);
    expect(first.transferAction!.workflow).toEqual({ id: wf.id, status: 'PLANNED' });
    const second = await transferCreate({ sourceAssignmentId: source, destContainerId: tankGid(2), status: 'PLANNED', plannedDate: addDays(today, 6), transferredCount: 200, workflowId: wf.id });
    expect(second.userErrors).toEqual([]);
    expect(await workflow(wf.id)).toMatchObject({ status: 'PLANNED', version: 1, actualStartDate: null, actions: [{ status: 'PLANNED' }, { status: 'PLANNED' }] });

    const completed = await transferComplete({ id: first.transferAction!.id, version: first.transferAction!.version, executionDate: addDays(start, 10) });
    expect(completed.userErrors).toEqual([]);
    expect(await workflow(wf.id)).toMatchObject({ status: 'IN_PROGRESS', version: 2, actualStartDate: addDays(start, 10), actualCompletionDate: null });

    // Cancelling the last plan leaves only completed actions: the workflow is done.
    const cancelled = await transferCancel({ id: second.transferAction!.id, version: second.transferAction!.version });
    expect(cancelled.userErrors).toEqual([]);
    expect(await workflow(wf.id)).toMatchObject({ status: 'COMPLETED', version: 3, actualStartDate: addDays(start, 10), actualCompletionDate: addDays(start, 10) });

    // A top-up recorded into the workflow later, then re-dated: the completion day follows.
    const topUp = await transferCreate({ sourceAssignmentId: source, destAssignmentId: first.destAssignment!.id, executionDate: addDays(start, 12), transferredCount: 50, workflowId: wf.id });
    expect(topUp.userErrors).toEqual([]);
    expect(topUp.transferAction!.workflow).toEqual({ id: wf.id, status: 'COMPLETED' });
    expect(await workflow(wf.id)).toMatchObject({ status: 'COMPLETED', actualCompletionDate: addDays(start, 12) });
    await settle(env, batch.id);
    const redated = await transferUpdate({ id: topUp.transferAction!.id, version: topUp.transferAction!.version, executionDate: addDays(start, 14) });
    expect(redated.userErrors).toEqual([]);
    expect(await workflow(wf.id)).toMatchObject({ status: 'COMPLETED', actualStartDate: addDays(start, 10), actualCompletionDate: addDays(start, 14) });

    // A new plan reopens it; its completed moves make cancelling it a CONFLICT that writes nothing.
    const more = await transferCreate({ sourceAssignmentId: source, destContainerId: tankGid(3), status: 'PLANNED', plannedDate: addDays(today, 7), transferredCount: 10, workflowId: wf.id });
    expect(more.userErrors).toEqual([]);
    const reopened = await workflow(wf.id);
    expect(reopened).toMatchObject({ status: 'IN_PROGRESS', actualStartDate: addDays(start, 10), actualCompletionDate: null });
    await expectNothingWritten(async () => {
      const refused = await cancel({ id: wf.id, version: reopened.version });
      expect(refused.transferWorkflow).toBeNull();
      expect(refused.userErrors).toEqual([{ code: 'CONFLICT', field: ['input', 'id'], message: expect.stringContaining('2 COMPLETED transfer(s)') }]);
    });
  });

  it('becomes CANCELLED when transferCancel cancels its last action, and stays so', async () => {
    const wf = await planned(batch.id, addDays(start, 50));
    const source = aGid(batch.assignments[0]!);
    const plan = await transferCreate({ sourceAssignmentId: source, destContainerId: tankGid(4), status: 'PLANNED', plannedDate: addDays(today, 4), transferredCount: 10, workflowId: wf.id });
    expect(plan.userErrors).toEqual([]);

    const cancelled = await transferCancel({ id: plan.transferAction!.id, version: plan.transferAction!.version });
    expect(cancelled.userErrors).toEqual([]);
    const after = await workflow(wf.id);
    expect(after).toMatchObject({ status: 'CANCELLED', version: wf.version + 1, actualStartDate: null, actualCompletionDate: null, actions: [{ status: 'CANCELLED' }] });
    await expectNothingWritten(async () => {
      const joined = await transferCreate({ sourceAssignmentId: source, destContainerId: tankGid(4), status: 'PLANNED', plannedDate: addDays(today, 4), transferredCount: 10, workflowId: wf.id });
      expect(joined.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'workflowId'] });
      expect((await cancel({ id: wf.id, version: after.version })).userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'id'] });
    });
  });

  it('lets transferCreate join only a workflow of the same batch that is not CANCELLED, writing nothing otherwise', async () => {
    const other = await env.batch('WF-002', start, [env.ids.tanks[5]!], 500, 50);
    const foreign = await planned(other.id, addDays(start, 20));
    const base = { sourceAssignmentId: aGid(batch.assignments[0]!), destContainerId: tankGid(6), status: 'PLANNED', plannedDate: addDays(today, 5), transferredCount: 10 };
    await expectNothingWritten(async () => {
      const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
        [{ ...base, workflowId: foreign.id }, { code: 'VALIDATION', field: ['input', 'workflowId'], message: expect.stringContaining('another batch') }],
        [{ ...base, workflowId: gid('TransferWorkflow', 999_999) }, { code: 'NOT_FOUND', field: ['input', 'workflowId'] }],
        [{ ...base, workflowId: aGid(batch.assignments[0]!) }, { code: 'NOT_FOUND', field: ['input', 'workflowId'] }],
      ];
      for (const [input, expected] of cases) {
        const result = await transferCreate(input);
        expect(result.transferAction, JSON.stringify(input)).toBeNull();
        expect(result.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
      }
    });
  });
});

describe('transferUpdate of a completed transfer: engine inputs beyond counts, weight and day', () => {
  it('re-marks the source when selectionMethod or measuredSampleSize change (the bias factor and weighting of the anchor on D − 1)', async () => {
    const own = await env.batch('WF-003', start, [env.ids.tanks[10]!], 1_000, 50);
    const source = own.assignments[0]!;
    const day = addDays(start, 10);
    const moved = await transferCreate({
      sourceAssignmentId: aGid(source),
      destContainerId: tankGid(11),
      executionDate: day,
      transferredCount: 200,
      measuredAvgWeightG: 60,
      measuredSampleSize: 30,
      selectionMethod: 'AVERAGE',
    });
    expect(moved.userErrors).toEqual([]);
    const eveWeight = async () =>
      (await env.one<{ avg_weight_g: number }>('select avg_weight_g from daily_assignment_state where assignment_id = $1 and date = $2', [source, addDays(day, -1)]))
        .avg_weight_g;
    await runRecompute(env, own.id);
    expect(await eveWeight()).toBe(60);
    await settle(env, own.id);

    const UPDATE_WITH_JOB = `mutation($input: TransferUpdateInput!) {
      transferUpdate(input: $input) { transferAction { id version } recomputeJob { status fromDate } ${USER_ERRORS} }
    }`;
    const edit = async (input: Record<string, unknown>) =>
      call<{ transferAction: { id: string; version: number } | null; recomputeJob: { status: string; fromDate: string } | null; userErrors: UserErrorShape[] }>(
        env,
        UPDATE_WITH_JOB,
        'transferUpdate',
        input,
      );
    const largest = await edit({ id: moved.transferAction!.id, version: moved.transferAction!.version, selectionMethod: 'LARGEST' });
    expect(largest.userErrors).toEqual([]);
    expect(largest.recomputeJob).toEqual({ status: 'QUEUED', fromDate: addDays(day, -1) });
    expect((await env.assignment(source)).dirty_from).toBe(addDays(day, -1));
    await runRecompute(env, own.id);
    // A partial transfer of the largest fish: the source's mean on the eve is the measured mean × 0.88.
    expect(await eveWeight()).toBe(52.8);

    await settle(env, own.id);
    const resampled = await edit({ id: moved.transferAction!.id, version: largest.transferAction!.version, measuredSampleSize: 40 });
    expect(resampled.userErrors).toEqual([]);
    expect(resampled.recomputeJob).toEqual({ status: 'QUEUED', fromDate: addDays(day, -1) });
  });
});

describe('transferWorkflowUpdate', () => {
  it('changes the descriptive fields and planned day with optimistic locking; the number stays', async () => {
    const wf = await planned(batch.id, addDays(start, 40));
    const changed = await update({ id: wf.id, version: wf.version, plannedStartDate: addDays(start, 45), notes: 'delayed', workflowType: 'EMERGENCY', destStageId: stageGid('POST_SMOLT') });
    expect(changed.userErrors).toEqual([]);
    expect(changed.transferWorkflow).toMatchObject({
      version: wf.version + 1,
      workflowNumber: 'TRF-WF-001-D041',
      plannedStartDate: addDays(start, 45),
      notes: 'delayed',
      workflowType: 'EMERGENCY',
      sourceStage: { code: 'PARR' },
      destStage: { code: 'POST_SMOLT' },
      status: 'PLANNED',
    });
    const cleared = await update({ id: wf.id, version: wf.version + 1, notes: null });
    expect(cleared.transferWorkflow).toMatchObject({ version: wf.version + 2, notes: null });
    const unchanged = await update({ id: wf.id, version: wf.version + 2, notes: null });
    expect(unchanged.transferWorkflow).toMatchObject({ version: wf.version + 2 });

    const version = wf.version + 2;
    await expectNothingWritten(async () => {
      const cases: Array<[Record<string, unknown>, Partial<UserErrorShape>]> = [
        [{ id: wf.id, version: wf.version, notes: 'stale' }, { code: 'STALE_VERSION', field: ['input', 'version'] }],
        [{ id: gid('TransferWorkflow', 999_999), version, notes: 'x' }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
        [{ id: 'garbage', version, notes: 'x' }, { code: 'NOT_FOUND', field: ['input', 'id'] }],
        [{ id: wf.id, version: 0 }, { code: 'VALIDATION', field: ['input', 'version'] }],
        [{ id: wf.id, version, workflowType: null }, { code: 'VALIDATION', field: ['input', 'workflowType'] }],
        [{ id: wf.id, version, workflowType: 'LIFECYCLE_TRANSITION', destStageId: stageGid('FRY') }, { code: 'VALIDATION', field: ['input', 'destStageId'] }],
        [{ id: wf.id, version, sourceStageId: gid('Container', 1) }, { code: 'NOT_FOUND', field: ['input', 'sourceStageId'] }],
        [{ id: wf.id, version, plannedStartDate: addDays(start, -3) }, { code: 'VALIDATION', field: ['input', 'plannedStartDate'] }],
      ];
      for (const [input, expected] of cases) {
        const result = await update(input);
        expect(result.transferWorkflow, JSON.stringify(input)).toBeNull();
        expect(result.userErrors[0], JSON.stringify(input)).toMatchObject(expected);
      }
    });
  });
});

describe('transferWorkflowCancel', () => {
  it('cancels the workflow and its PLANNED transfers in one transaction, without a recompute; then nothing can change it', async () => {
    const wf = await planned(batch.id, addDays(start, 60));
    const source = aGid(batch.assignments[0]!);
    const plans = [];
    for (const tank of [7, 8]) {
      const plan = await transferCreate({ sourceAssignmentId: source, destContainerId: tankGid(tank), status: 'PLANNED', plannedDate: addDays(today, tank), transferredCount: 10, workflowId: wf.id });
      expect(plan.userErrors).toEqual([]);
      plans.push(plan.transferAction!);
    }
    await settle(env, batch.id);
    const stale = await cancel({ id: wf.id, version: wf.version + 1 });
    expect(stale.userErrors[0]).toMatchObject({ code: 'STALE_VERSION' });

    const cancelled = await cancel({ id: wf.id, version: wf.version });
    expect(cancelled.userErrors).toEqual([]);
    expect(cancelled.transferWorkflow).toMatchObject({ status: 'CANCELLED', version: wf.version + 1, actualStartDate: null, actions: [{ status: 'CANCELLED' }, { status: 'CANCELLED' }] });
    expect(await env.rows('select version from transfer_action where id = any($1) order by id', [plans.map((p) => idOf(p.id))])).toEqual(
      plans.map((p) => ({ version: p.version + 1 })),
    );
    expect(await env.queuedJob(batch.id)).toBeUndefined();

    const version = wf.version + 1;
    await expectNothingWritten(async () => {
      expect((await cancel({ id: wf.id, version })).userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'id'] });
      expect((await update({ id: wf.id, version, notes: 'x' })).userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'id'] });
      const joined = await transferCreate({ sourceAssignmentId: source, destContainerId: tankGid(9), status: 'PLANNED', plannedDate: addDays(today, 3), transferredCount: 10, workflowId: wf.id });
      expect(joined.userErrors[0]).toMatchObject({ code: 'CONFLICT', field: ['input', 'workflowId'] });
      expect((await cancel({ id: gid('TransferWorkflow', 999_999), version: 1 })).userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'id'] });
    });
  });
});

describe('roles', () => {
  it('refuses a VIEWER token with a top-level FORBIDDEN error and writes nothing', async () => {
    const wf = await planned(batch.id, addDays(start, 70));
    await expectNothingWritten(async () => {
      for (const [mutation, input] of [
        [CREATE, { batchId: gid('Batch', batch.id), workflowType: 'EMERGENCY', sourceStageId: stageGid('PARR'), destStageId: stageGid('PARR'), plannedStartDate: addDays(start, 71) }],
        [UPDATE, { id: wf.id, version: wf.version, notes: 'x' }],
        [CANCEL, { id: wf.id, version: wf.version }],
      ] as const) {
        const res = await env.mutate(mutation, { input }, SECRETS.alice);
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });
  });
});
