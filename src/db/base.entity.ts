import { OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { toGlobalId } from '../graphql/common/global-id.js';
import { IdType } from './types.js';

/** Every table with an identity `id` (data-model.md §1 Keys). */
export abstract class IdentifiedEntity {
  /** Generated or defaulted columns, optional in `em.create`. */
  [OptionalProps]?: 'nodeId' | 'createdAt' | 'updatedAt' | 'version';

  @PrimaryKey({ type: IdType, columnType: 'bigint', generated: 'by default as identity', autoincrement: true })
  id!: number;

  /** Opaque Relay id; the GraphQL `Node.id` field resolves from here. */
  get nodeId(): string {
    return toGlobalId(this.constructor.name, this.id);
  }
}

/** Mutable tables carry timestamps and an optimistic-locking version (data-model.md §1 Bookkeeping). */
export abstract class MutableEntity extends IdentifiedEntity {
  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onCreate: () => new Date() })
  createdAt!: Date;

  @Property({
    type: 'datetime',
    columnType: 'timestamptz',
    defaultRaw: 'now()',
    onCreate: () => new Date(),
    onUpdate: () => new Date(),
  })
  updatedAt!: Date;

  @Property({ type: 'integer', version: true, default: 1 })
  version!: number;
}
