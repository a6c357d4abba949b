import type { ClassType } from 'type-graphql';
import { FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { FeedingEvent } from '../feed/feeding-event.entity.js';
import { GrowthSample } from './growth-sample.entity.js';
import { LiceCount } from './lice-count.entity.js';
import { MortalityEvent } from './mortality.entity.js';
import { Treatment } from './treatment.entity.js';
import { TransferAction } from '../transfer/transfer.entity.js';

/**
 * `version` of an editable operational event (data-model.md §1 Bookkeeping): the optimistic-locking counter a
 * client sends back with an update or delete. The column lives on the shared base entity, so the field is added
 * here, per type, rather than on each entity class.
 */
function versionResolver<T extends { version: number }>(type: ClassType<T>): Function {
  @Resolver(() => type)
  class VersionResolver {
    @FieldResolver(() => Int, {
      description: 'Optimistic-locking version, incremented by every change; send it with an update or delete (STALE_VERSION when it is no longer current).',
    })
    version(@Root() row: T): number {
      return row.version;
    }
  }
  Object.defineProperty(VersionResolver, 'name', { value: `${type.name}VersionResolver` });
  return VersionResolver;
}

/**
 * The `version` field resolvers of the events edited through growthSampleUpdate, mortalityEventUpdate,
 * feedingEventUpdate and friends, and of transfers (transferComplete, transferUpdate, transferCancel).
 */
export const EVENT_VERSION_RESOLVERS: Function[] = [GrowthSample, MortalityEvent, FeedingEvent, Treatment, LiceCount, TransferAction].map((type) =>
  versionResolver(type as ClassType<{ version: number }>),
);
