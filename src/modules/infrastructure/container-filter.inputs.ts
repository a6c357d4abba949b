import type { FilterQuery } from '@mikro-orm/core';
import { Field, InputType } from 'type-graphql';
import { ContainerCategory } from '../enums.js';
import type { Container } from './container.entity.js';

/** Conditions on a container's own attributes; `Area.containers` and `Hall.containers` take these, `containers` extends them. */
@InputType({ description: 'Filters for the containers of a hall or sea area; all given conditions must hold.' })
export class ContainerAttributeFilter {
  @Field(() => [ContainerCategory], { nullable: true, description: 'Only these categories.' })
  categories?: ContainerCategory[];

  @Field(() => Boolean, { nullable: true, description: 'Only active (true) or inactive (false) containers.' })
  active?: boolean;
}

/** The conditions of a ContainerAttributeFilter (none when absent). */
export function containerAttributeWhere(f: ContainerAttributeFilter | null | undefined): FilterQuery<Container>[] {
  const where: FilterQuery<Container>[] = [];
  if (f?.categories) where.push({ containerType: { category: { $in: f.categories } } });
  if (f?.active != null) where.push({ active: f.active });
  return where;
}
