import type { EntityManager } from '@mikro-orm/postgresql';
import { txQuery } from '../../db/raw-sql.js';
import { UserErrorCode, UserErrorException, type UserError } from '../../graphql/common/user-error.js';
import { checkEditInput, datePath, deletedEventResult, editedEventResult, lockForEdit, type EventEditResult } from '../operations/edit.js';
import { assertInsideInterval, reject, roundTo } from '../operations/rules.js';
import {
  aggregateFish,
  checkGrowthSampleInput,
  checkMortalityInput,
  givenAggregates,
  SAMPLE_AGGREGATE_FIELDS,
  upsertReport,
  type SampleAggregateFields,
  type SampleAggregates,
} from './event-create.service.js';
import type { GrowthSampleDeleteInput, GrowthSampleUpdateInput, MortalityEventDeleteInput, MortalityEventUpdateInput } from './event-update.inputs.js';
import { GrowthSample, GrowthSampleFish } from './growth-sample.entity.js';
import { MortalityEvent } from './mortality.entity.js';

/** Checks on an update's changes alone (nothing read), all reported at once; the create rules for what is given. */
export function checkGrowthSampleUpdateInput(input: GrowthSampleUpdateInput): UserError[] {
  const edit = checkEditInput(input, ['assignmentId', 'sampleDate', 'sampleSize', 'avgWeightG']);
  return [...edit.errors, ...checkGrowthSampleInput(input, { partial: true })];
}

/**
 * Changes a growth sample (data-model.md §6.4), with the create rules: a day inside the (new) assignment's
 * interval, and either individual fish (aggregates and K recomputed server-side) or aggregates. Marks the old and
 * new assignment dirty from the earlier of the old and new days when the anchor changed (day, assignment, size or
 * mean weight).
 */
export async function updateGrowthSample(tx: EntityManager, input: GrowthSampleUpdateInput): Promise<EventEditResult> {
  const { event: sample, owner, target } = await lockForEdit(tx, GrowthSample, 'growth_sample', 'growth sample', input);
  const before = { assignmentId: owner.assignmentId, date: sample.sampleDate, sampleSize: sample.sampleSize, avgWeightG: sample.avgWeightG };
  const sampleDate = input.sampleDate ?? sample.sampleDate;
  assertInsideInterval(target, sampleDate, datePath(input.sampleDate != null, 'sampleDate'));

  let aggregates: SampleAggregates | null = null;
  const givenField = SAMPLE_AGGREGATE_FIELDS.find((name) => input[name] !== undefined);
  if (input.fish) {
    aggregates = aggregateFish(input.fish);
    await tx.nativeDelete(GrowthSampleFish, { growthSample: sample.id });
    input.fish.forEach((fish, i) =>
      tx.create(GrowthSampleFish, {
        growthSample: sample,
        fishNo: i + 1,
        weightG: roundTo(fish.weightG, 2),
        lengthCm: fish.lengthCm == null ? null : roundTo(fish.lengthCm, 2),
      }),
    );
  } else if (givenField) {
    const fishCount = await tx.count(GrowthSampleFish, { growthSample: sample.id });
    if (fishCount > 0) {
      reject(
        UserErrorCode.VALIDATION,
        `The sample lists ${fishCount} individual fish, from which its aggregates are computed: send fish[] to change them`,
        givenField,
      );
    }
    const merged: SampleAggregateFields = {};
    for (const name of SAMPLE_AGGREGATE_FIELDS) merged[name] = input[name] !== undefined ? input[name] : sample[name];
    // The create rules on the merged sample (e.g. a new mean above the stored maximum).
    const [error] = checkGrowthSampleInput({ ...merged, sampleDate });
    if (error) throw new UserErrorException(error);
    aggregates = givenAggregates(merged);
  }

  tx.assign(sample, { assignment: target, sampleDate, ...aggregates, updatedAt: new Date() });
  await tx.flush();
  const anchorChanged =
    target.id !== before.assignmentId ||
    sampleDate !== before.date ||
    sample.sampleSize !== before.sampleSize ||
    sample.avgWeightG !== before.avgWeightG;
  return editedEventResult('GrowthSample', sample.id, before, target, sampleDate, anchorChanged);
}

/** Deletes a growth sample and its fish; marks its assignment dirty from its day. */
export async function deleteGrowthSample(tx: EntityManager, input: GrowthSampleDeleteInput): Promise<EventEditResult> {
  const { event: sample, owner } = await lockForEdit(tx, GrowthSample, 'growth_sample', 'growth sample', input);
  // growth_sample_fish rows go with it (ON DELETE CASCADE).
  tx.remove(sample);
  await tx.flush();
  return deletedEventResult('GrowthSample', sample.id, owner, sample.sampleDate, true);
}

/** Checks on an update's changes alone (nothing read), all reported at once; the create rules for what is given. */
export function checkMortalityUpdateInput(input: MortalityEventUpdateInput): UserError[] {
  const edit = checkEditInput(input, ['assignmentId', 'eventDate', 'count', 'cause']);
  return [...edit.errors, ...checkMortalityInput(input)];
}

/**
 * Changes a mortality event, with the create rules (count > 0, a day inside the (new) assignment's interval).
 * The (new) day gets its mortality report as on create; the old day keeps its report: the deaths of that day were
 * counted, and are now fewer. Marks the old and new assignment dirty from the earlier of the old and new days when
 * the count, day or assignment changed.
 */
export async function updateMortalityEvent(tx: EntityManager, input: MortalityEventUpdateInput, viewerName: string): Promise<EventEditResult> {
  const { event, owner, target } = await lockForEdit(tx, MortalityEvent, 'mortality_event', 'mortality event', input);
  const before = { assignmentId: owner.assignmentId, date: event.eventDate, count: event.count };
  const eventDate = input.eventDate ?? event.eventDate;
  assertInsideInterval(target, eventDate, datePath(input.eventDate != null, 'eventDate'));

  const count = input.count ?? event.count;
  // By SQL: the ORM cannot update the composite key (batch_id, assignment_id) whose batch_id it also maps as
  // `batch`. A move to another batch's assignment moves both columns.
  const { rowCount } = await txQuery(
    tx,
    `update mortality_event
        set batch_id = $2, assignment_id = $3, event_date = $4, count = $5, cause = $6, biomass_kg = $7, description = $8,
            updated_at = now(), version = version + 1
      where id = $1 and version = $9`,
    [
      event.id,
      target.batch.id,
      target.id,
      eventDate,
      count,
      input.cause ?? event.cause,
      input.biomassKg === undefined ? (event.biomassKg ?? null) : input.biomassKg == null ? null : roundTo(input.biomassKg, 2),
      input.description === undefined ? (event.description ?? null) : input.description,
      event.version,
    ],
  );
  // Unreachable under the batch lock; a guard so a lost update can never pass silently.
  if (rowCount !== 1) reject(UserErrorCode.CONFLICT, 'The mortality event changed concurrently; retry', 'id');
  const reportCreated = await upsertReport(tx, target.id, eventDate, viewerName);
  const changed = reportCreated || target.id !== before.assignmentId || eventDate !== before.date || count !== before.count;
  return editedEventResult('MortalityEvent', event.id, before, target, eventDate, changed);
}

/**
 * Deletes a mortality event; marks its assignment dirty from its day. The day's mortality report stays (the
 * day's deaths were counted): with no other event that day, the engine then records zero deaths for it.
 */
export async function deleteMortalityEvent(tx: EntityManager, input: MortalityEventDeleteInput): Promise<EventEditResult> {
  const { event, owner } = await lockForEdit(tx, MortalityEvent, 'mortality_event', 'mortality event', input);
  tx.remove(event);
  await tx.flush();
  return deletedEventResult('MortalityEvent', event.id, owner, event.eventDate, true);
}
