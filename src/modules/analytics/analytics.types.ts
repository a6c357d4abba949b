import { Field, Float, Int, ObjectType } from 'type-graphql';
import { BigIntScalar, DateScalar } from '../../graphql/common/scalars.js';

@ObjectType({ description: 'Who occupies a container on a day, and how full it is (from the daily series).' })
export class ContainerOccupancy {
  @Field(() => DateScalar, { description: 'The day.' })
  date!: string;

  @Field(() => Int, { description: 'Fish at the end of the day.' })
  population!: number;

  @Field(() => Float, { description: 'Biomass at the end of the day, kg.' })
  biomassKg!: number;

  @Field(() => Float, { description: 'Mean weight, g.' })
  avgWeightG!: number;

  @Field(() => Float, { description: 'Biomass ÷ the container’s maximum biomass, %.' })
  utilisationPct!: number;

  @Field(() => Float, { description: 'Biomass ÷ water volume, kg/m³.' })
  densityKgM3!: number;

  containerId!: number;
  assignmentId!: number;
  batchId!: number;
}

@ObjectType({ description: 'Standing stock and capacity of a part of the farm on a day.' })
export class InfrastructureSummary {
  @Field(() => DateScalar, { description: 'The day.' })
  asOf!: string;

  @Field(() => Int, { description: 'Active holding containers.' })
  containers!: number;

  @Field(() => Int, { description: 'Of those, containers holding fish on the day.' })
  occupiedContainers!: number;

  @Field(() => Float, { description: 'Σ maximum biomass of the active holding containers, kg.' })
  capacityKg!: number;

  @Field(() => Float, { description: 'Σ biomass on the day, kg.' })
  biomassKg!: number;

  @Field(() => BigIntScalar, { description: 'Σ fish on the day.' })
  population!: number;

  @Field(() => Float, { nullable: true, description: 'Population-weighted mean weight, g (null without fish).' })
  avgWeightG!: number | null;

  @Field(() => Float, { nullable: true, description: 'Biomass ÷ capacity, % (null without capacity).' })
  utilisationPct!: number | null;
}

@ObjectType({ description: 'Totals over a set of batches on a day.' })
export class PortfolioKpis {
  @Field(() => DateScalar, { description: 'The day.' })
  asOf!: string;

  @Field(() => Int, { description: 'Batches with data on the day.' })
  batches!: number;

  @Field(() => BigIntScalar, { description: 'Σ fish.' })
  population!: number;

  @Field(() => Float, { description: 'Σ biomass, kg.' })
  biomassKg!: number;

  @Field(() => Float, { nullable: true, description: 'Population-weighted mean weight, g.' })
  avgWeightG!: number | null;

  @Field(() => Float, { nullable: true, description: 'Σ deaths (incl. transfer deaths) ÷ Σ fish placed since the batches started, %.' })
  cumulativeMortalityPct!: number | null;

  @Field(() => Float, { nullable: true, description: 'Σ feed ÷ Σ growth since the batches started (null when not computable).' })
  fcr!: number | null;

  @Field(() => Float, { nullable: true, description: 'Σ biomass ÷ Σ maximum biomass of the containers the batches occupy, %.' })
  capacityUtilisationPct!: number | null;
}
