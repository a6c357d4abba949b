import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { runOperation } from '../operations/operation.js';
import { loadJobs } from '../operations/payload.js';
import { EnvironmentalParameter } from './environmental-parameter.entity.js';
import { EnvironmentalReadingsIngestInput, EnvironmentalReadingsIngestPayload } from './readings-ingest.inputs.js';
import { ingestReadings, parseReadings, prepareIngest } from './readings-ingest.service.js';

@Resolver()
export class ReadingsIngestResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => EnvironmentalReadingsIngestPayload, {
    description:
      'Stores up to 10,000 environmental readings in one transaction (COPY-backed). Idempotent: readings already stored (same container, parameter, sensor and time) are skipped and counted as duplicates. Rewrites the daily statistics of every touched container, parameter and UTC day; new TEMPERATURE readings of day d queue recomputes of the assignments in the container around [d − 7, d + 7].',
  })
  async environmentalReadingsIngest(
    @Arg('input', () => EnvironmentalReadingsIngestInput, { description: 'The readings.' }) input: EnvironmentalReadingsIngestInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<EnvironmentalReadingsIngestPayload> {
    const empty = { inserted: 0, duplicates: 0, dailyRowsWritten: 0, recomputeJobs: [] };
    const parameters = await ctx.em.find(EnvironmentalParameter, {}, { fields: ['id', 'code'] });
    const parameterIds = new Map(parameters.map((p) => [p.code, p.id]));
    const result = parseReadings(input.readings, parameterIds);
    if (!result.ok) return { ...empty, userErrors: result.errors };
    const outcome = await runOperation(ctx, {
      mutation: 'environmentalReadingsIngest',
      before: (em) => prepareIngest(em, result.parsed),
      write: (tx) => ingestReadings(tx, result.parsed, ctx.viewer.name, parameterIds.get('TEMPERATURE')),
    });
    if (!outcome.ok) return { ...empty, userErrors: outcome.userErrors };
    const { inserted, duplicates, dailyRowsWritten } = outcome.write!;
    return { inserted, duplicates, dailyRowsWritten, recomputeJobs: await loadJobs(ctx, outcome.recomputeJobIds), userErrors: [] };
  }
}
