import type { ClassType } from 'type-graphql';
import { versionResolver } from '../../graphql/common/version-resolver.js';
import { FeedingEvent } from '../feed/feeding-event.entity.js';
import { GrowthSample } from './growth-sample.entity.js';
import { LiceCount } from './lice-count.entity.js';
import { MortalityEvent } from './mortality.entity.js';
import { Treatment } from './treatment.entity.js';
import { TransferAction } from '../transfer/transfer.entity.js';

/**
 * The `version` field resolvers of the events edited through growthSampleUpdate, mortalityEventUpdate,
 * feedingEventUpdate and friends, and of transfers (transferComplete, transferUpdate, transferCancel).
 */
export const EVENT_VERSION_RESOLVERS: Function[] = [GrowthSample, MortalityEvent, FeedingEvent, Treatment, LiceCount, TransferAction].map((type) =>
  versionResolver(type as ClassType<{ version: number }>),
);
