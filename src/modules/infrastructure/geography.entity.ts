import { Entity, ManyToOne, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { MutableEntity } from '../../db/base.entity.js';
import { Node } from '../../graphql/common/node.js';

@Entity()
@ObjectType({ implements: Node, description: 'A country or region the company farms in (e.g. FO, SC).' })
export class Geography extends MutableEntity {
  @Property({ type: 'string', length: 8, unique: true })
  @Field(() => String, { description: 'Short code, e.g. FO or SC.' })
  code!: string;

  @Property({ type: 'string', length: 100, unique: true })
  @Field(() => String, { description: 'Display name.' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  description?: string | null;
}

/** A reporting tree of sea areas; uniqueness of names among siblings (NULLS NOT DISTINCT) lives in SQL. */
@Entity()
@Unique({
  name: 'area_group_geography_parent_name_unique',
  expression:
    'alter table "area_group" add constraint "area_group_geography_parent_name_unique" unique nulls not distinct ("geography_id", "parent_id", "name")',
})
@ObjectType({ implements: Node, description: 'A group of sea areas for reporting; groups form a tree.' })
export class AreaGroup extends MutableEntity {
  @ManyToOne(() => Geography, { deleteRule: 'restrict' })
  geography!: Rel<Geography>;

  @ManyToOne(() => AreaGroup, { nullable: true, deleteRule: 'restrict' })
  parent?: Rel<AreaGroup> | null;

  @Property({ type: 'string', length: 32 })
  @Field(() => String, { description: 'Short code.' })
  code!: string;

  @Property({ type: 'string', length: 100 })
  @Field(() => String, { description: 'Display name, unique among siblings.' })
  name!: string;
}

