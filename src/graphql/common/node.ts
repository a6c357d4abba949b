import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * Relay `Node`. Entities implement it without extending it: the `id` field resolves from the entity's
 * `nodeId` getter (IdentifiedEntity), so the numeric primary key never reaches clients.
 */
@InterfaceType('Node', {
  description: 'An object with an opaque global id, fetchable with `node(id)`.',
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  readonly nodeId!: string;
}
