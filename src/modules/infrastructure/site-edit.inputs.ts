import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/common/user-error.js';
import { StationType } from '../enums.js';
import { IdempotencyKeyField } from '../operations/payload.js';
import { Area } from './area.entity.js';
import { FreshwaterStation, Hall } from './freshwater-station.entity.js';
import { Geography } from './geography.entity.js';
import { KEEP } from '../operations/payload.js';
import { VERSION_DESCRIPTION } from './infrastructure-edit.js';

const ERRORS = 'Why nothing was written, if so.';
const INACTIVE_RULE =
  'false is refused (VALIDATION) while one of its containers holds or is booked for fish (an assignment without departure or departing after today).';

@InputType({ description: 'Input of geographyCreate.' })
export class GeographyCreateInput {
  @Field(() => String, { description: 'Short code, e.g. FO or SC (1 to 8 characters), unique.' })
  code!: string;

  @Field(() => String, { description: 'Display name (at most 100 characters), unique.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  description?: string | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: 'Input of geographyUpdate; left out: unchanged.' })
export class GeographyUpdateInput {
  @Field(() => ID, { description: 'Global id of the geography.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;

  @Field(() => String, { nullable: true, description: `New code (1 to 8 characters), unique. ${KEEP}` })
  code?: string | null;

  @Field(() => String, { nullable: true, description: `New name (at most 100 characters), unique. ${KEEP}` })
  name?: string | null;

  @Field(() => String, { nullable: true, description: `Free-text description; null clears it. ${KEEP}` })
  description?: string | null;
}

/** Fields shared by the geography mutation payloads (inherited; never referenced, so not emitted). */
@ObjectType({ description: 'Fields of the geography mutation payloads.' })
export abstract class GeographyPayload {
  @Field(() => Geography, { nullable: true, description: 'The geography as stored now (null when userErrors is not empty).' })
  geography!: Geography | null;

  @Field(() => [UserError], { description: ERRORS })
  userErrors!: UserError[];
}

@ObjectType({ description: 'Result of geographyCreate.' })
export class GeographyCreatePayload extends GeographyPayload {}

@ObjectType({ description: 'Result of geographyUpdate.' })
export class GeographyUpdatePayload extends GeographyPayload {}

@InputType({ description: 'Input of areaCreate.' })
export class AreaCreateInput {
  @Field(() => ID, { description: 'Global id of the geography of the sea site.' })
  geographyId!: string;

  @Field(() => ID, { nullable: true, description: 'Global id of a leaf area group (no child groups) of the same geography, for reporting.' })
  areaGroupId?: string | null;

  @Field(() => String, { description: 'Site name (at most 100 characters), unique within the geography.' })
  name!: string;

  @Field(() => Float, { description: 'Latitude in decimal degrees (WGS84), −90 to 90.' })
  latitude!: number;

  @Field(() => Float, { description: 'Longitude in decimal degrees (WGS84), −180 to 180.' })
  longitude!: number;

  @Field(() => Float, { nullable: true, description: 'Licence cap on standing biomass, kg (> 0); null: no cap recorded.' })
  maxBiomassKg?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the site is in use (default true).' })
  active?: boolean | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: 'Input of areaUpdate; the geography is fixed (its rings and their history belong to it). Left out: unchanged.' })
export class AreaUpdateInput {
  @Field(() => ID, { description: 'Global id of the area.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;

  @Field(() => ID, { nullable: true, description: `Global id of a leaf area group of the same geography; null detaches the area from its group. ${KEEP}` })
  areaGroupId?: string | null;

  @Field(() => String, { nullable: true, description: `New name (at most 100 characters), unique within the geography. ${KEEP}` })
  name?: string | null;

  @Field(() => Float, { nullable: true, description: `Latitude in decimal degrees, −90 to 90. ${KEEP}` })
  latitude?: number | null;

  @Field(() => Float, { nullable: true, description: `Longitude in decimal degrees, −180 to 180. ${KEEP}` })
  longitude?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: `Licence cap on standing biomass, kg (> 0); null clears it. A cap below today's standing biomass is accepted (licences change; licenceUtilisationPct then exceeds 100). ${KEEP}`,
  })
  maxBiomassKg?: number | null;

  @Field(() => Boolean, { nullable: true, description: `Whether the site is in use; ${INACTIVE_RULE} ${KEEP}` })
  active?: boolean | null;
}

/** Fields shared by the area mutation payloads (inherited; never referenced, so not emitted). */
@ObjectType({ description: 'Fields of the area mutation payloads.' })
export abstract class AreaPayload {
  @Field(() => Area, { nullable: true, description: 'The area as stored now (null when userErrors is not empty).' })
  area!: Area | null;

  @Field(() => [UserError], { description: ERRORS })
  userErrors!: UserError[];
}

@ObjectType({ description: 'Result of areaCreate.' })
export class AreaCreatePayload extends AreaPayload {}

@ObjectType({ description: 'Result of areaUpdate.' })
export class AreaUpdatePayload extends AreaPayload {}

@InputType({ description: 'Input of freshwaterStationCreate.' })
export class FreshwaterStationCreateInput {
  @Field(() => ID, { description: 'Global id of the geography of the station.' })
  geographyId!: string;

  @Field(() => String, { description: 'Station name (at most 100 characters), unique within the geography.' })
  name!: string;

  @Field(() => StationType, { nullable: true, description: 'Kind of station (default FRESHWATER).' })
  stationType?: StationType | null;

  @Field(() => Float, { description: 'Latitude in decimal degrees (WGS84), −90 to 90.' })
  latitude!: number;

  @Field(() => Float, { description: 'Longitude in decimal degrees (WGS84), −180 to 180.' })
  longitude!: number;

  @Field(() => Boolean, { nullable: true, description: 'Whether the station is in use (default true).' })
  active?: boolean | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: 'Input of freshwaterStationUpdate; the geography is fixed. Left out: unchanged.' })
export class FreshwaterStationUpdateInput {
  @Field(() => ID, { description: 'Global id of the station.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;

  @Field(() => String, { nullable: true, description: `New name (at most 100 characters), unique within the geography. ${KEEP}` })
  name?: string | null;

  @Field(() => StationType, { nullable: true, description: `Kind of station. ${KEEP}` })
  stationType?: StationType | null;

  @Field(() => Float, { nullable: true, description: `Latitude in decimal degrees, −90 to 90. ${KEEP}` })
  latitude?: number | null;

  @Field(() => Float, { nullable: true, description: `Longitude in decimal degrees, −180 to 180. ${KEEP}` })
  longitude?: number | null;

  @Field(() => Boolean, { nullable: true, description: `Whether the station is in use; ${INACTIVE_RULE} ${KEEP}` })
  active?: boolean | null;
}

/** Fields shared by the freshwaterStation mutation payloads (inherited; never referenced, so not emitted). */
@ObjectType({ description: 'Fields of the freshwaterStation mutation payloads.' })
export abstract class FreshwaterStationPayload {
  @Field(() => FreshwaterStation, { nullable: true, description: 'The station as stored now (null when userErrors is not empty).' })
  freshwaterStation!: FreshwaterStation | null;

  @Field(() => [UserError], { description: ERRORS })
  userErrors!: UserError[];
}

@ObjectType({ description: 'Result of freshwaterStationCreate.' })
export class FreshwaterStationCreatePayload extends FreshwaterStationPayload {}

@ObjectType({ description: 'Result of freshwaterStationUpdate.' })
export class FreshwaterStationUpdatePayload extends FreshwaterStationPayload {}

@InputType({ description: 'Input of hallCreate.' })
export class HallCreateInput {
  @Field(() => ID, { description: 'Global id of an active freshwater station.' })
  stationId!: string;

  @Field(() => String, { description: 'Hall name (at most 100 characters), unique within the station.' })
  name!: string;

  @Field(() => Float, { nullable: true, description: 'Floor area, m² (> 0).' })
  areaSqm?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the hall is in use (default true).' })
  active?: boolean | null;

  @IdempotencyKeyField()
  idempotencyKey?: string | null;
}

@InputType({ description: 'Input of hallUpdate; the station is fixed (its tanks and their history belong to it). Left out: unchanged.' })
export class HallUpdateInput {
  @Field(() => ID, { description: 'Global id of the hall.' })
  id!: string;

  @Field(() => Int, { description: VERSION_DESCRIPTION })
  version!: number;

  @Field(() => String, { nullable: true, description: `New name (at most 100 characters), unique within the station. ${KEEP}` })
  name?: string | null;

  @Field(() => Float, { nullable: true, description: `Floor area, m² (> 0); null clears it. ${KEEP}` })
  areaSqm?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: `Whether the hall is in use; true needs an active station; ${INACTIVE_RULE} ${KEEP}`,
  })
  active?: boolean | null;
}

/** Fields shared by the hall mutation payloads (inherited; never referenced, so not emitted). */
@ObjectType({ description: 'Fields of the hall mutation payloads.' })
export abstract class HallPayload {
  @Field(() => Hall, { nullable: true, description: 'The hall as stored now (null when userErrors is not empty).' })
  hall!: Hall | null;

  @Field(() => [UserError], { description: ERRORS })
  userErrors!: UserError[];
}

@ObjectType({ description: 'Result of hallCreate.' })
export class HallCreatePayload extends HallPayload {}

@ObjectType({ description: 'Result of hallUpdate.' })
export class HallUpdatePayload extends HallPayload {}
