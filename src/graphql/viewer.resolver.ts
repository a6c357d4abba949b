import { Ctx, Field, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { Role } from './auth.js';
import type { GraphQLContext } from './context.js';

registerEnumType(Role, {
  name: 'Role',
  description: 'What an API token may do; each role includes the ones before it.',
  valuesConfig: {
    VIEWER: { description: 'Queries and subscriptions.' },
    OPERATOR: { description: 'Also operational mutations (batches, transfers, events, recomputes).' },
    ADMIN: { description: 'Also seed runs (start, cancel, resume).' },
  },
});

@ObjectType('Viewer', { description: 'The caller, as identified by its API token.' })
export class ViewerInfo {
  @Field(() => String, { description: 'Name of the API token (what writes record as `recordedBy`); `dev` in development mode.' })
  name!: string;

  @Field(() => Role, { description: 'Role of the API token (ADMIN in development mode).' })
  role!: Role;
}

@Resolver()
export class ViewerResolver {
  @Query(() => ViewerInfo, { description: 'Who the caller is: the API token\'s name and role.' })
  viewer(@Ctx() ctx: GraphQLContext): ViewerInfo {
    return { name: ctx.viewer.name, role: ctx.viewer.role };
  }
}
