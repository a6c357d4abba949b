import type { ClassType } from 'type-graphql';
import { FieldResolver, Int, Resolver, Root } from 'type-graphql';

/**
 * A `version` field for an editable type (data-model.md §1 Bookkeeping): the optimistic-locking counter a client
 * sends back with `sentWith` (an update or delete mutation). The column lives on the shared base entity, so the
 * field is added per type with this resolver rather than on each entity class.
 */
export function versionResolver<T extends { version: number }>(type: ClassType<T>, sentWith = 'an update or delete'): Function {
  @Resolver(() => type)
  class VersionResolver {
    @FieldResolver(() => Int, {
      description: `Optimistic-locking version, incremented by every change; send it with ${sentWith} (STALE_VERSION when it is no longer current).`,
    })
    version(@Root() row: T): number {
      return row.version;
    }
  }
  Object.defineProperty(VersionResolver, 'name', { value: `${type.name}VersionResolver` });
  return VersionResolver;
}
