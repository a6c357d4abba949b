import { Field, ObjectType, registerEnumType } from 'type-graphql';

export enum UserErrorCode {
  VALIDATION = 'VALIDATION',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  CAPACITY_EXCEEDED = 'CAPACITY_EXCEEDED',
  INSUFFICIENT_POPULATION = 'INSUFFICIENT_POPULATION',
  STALE_VERSION = 'STALE_VERSION',
  FORBIDDEN = 'FORBIDDEN',
}
registerEnumType(UserErrorCode, { name: 'UserErrorCode', description: 'Machine-readable kind of a user error.' });

/** A failure the user can act on, returned as data in mutation payloads (data-model.md §6.1). */
@ObjectType({ description: 'A failure the caller can act on, returned in mutation payloads.' })
export class UserError {
  @Field(() => UserErrorCode, { description: 'Kind of error.' })
  code!: UserErrorCode;

  @Field(() => String, { description: 'Human-readable explanation.' })
  message!: string;

  @Field(() => [String], { nullable: true, description: 'Path of the offending input field, e.g. ["input", "count"].' })
  field?: string[] | null;

  static of(code: UserErrorCode, message: string, field?: string[]): UserError {
    return Object.assign(new UserError(), { code, message, field: field ?? null });
  }
}

/** Thrown inside services and turned into a payload `UserError` by the mutation; rolls the transaction back. */
export class UserErrorException extends Error {
  constructor(readonly userError: UserError) {
    super(userError.message);
    this.name = 'UserErrorException';
  }
}
