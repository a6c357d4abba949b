import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../graphql/auth.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { runOperation } from '../operations/operation.js';
import { loadById } from '../operations/payload.js';
import { EnvironmentalParameter } from './environmental-parameter.entity.js';
import { EnvironmentalParameterCreateInput, EnvironmentalParameterCreatePayload } from './parameter-edit.inputs.js';
import { checkParameterCreateInput, createParameter, PARAMETER_CREATE_CONSTRAINTS } from './parameter-edit.service.js';

@Resolver()
export class ParameterEditResolver {
  @Authorized(Role.ADMIN)
  @Mutation(() => EnvironmentalParameterCreatePayload, {
    description:
      'Creates an environmental parameter (global reference data, ADMIN). The code is unique (CONFLICT); readings, sensors and queries name the parameter by it. Nothing is recomputed: the growth engine reads TEMPERATURE only.',
  })
  async environmentalParameterCreate(
    @Arg('input', () => EnvironmentalParameterCreateInput, { description: 'The parameter.' }) input: EnvironmentalParameterCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<EnvironmentalParameterCreatePayload> {
    const errors = checkParameterCreateInput(input);
    if (errors.length > 0) return { environmentalParameter: null, userErrors: errors };
    const outcome = await runOperation(ctx, {
      mutation: 'environmentalParameterCreate',
      idempotency: { key: input.idempotencyKey, input },
      write: (tx) => createParameter(tx, input),
      constraintErrors: PARAMETER_CREATE_CONSTRAINTS,
    });
    if (!outcome.ok) return { environmentalParameter: null, userErrors: outcome.userErrors };
    return { environmentalParameter: await loadById(ctx, EnvironmentalParameter, outcome.resourceId), userErrors: [] };
  }
}
