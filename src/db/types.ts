import { BigIntType, DecimalType, type PropertyOptions } from '@mikro-orm/core';

/**
 * numeric(p, s) read and written as a JS number (data-model.md §1: numeric columns are never strings).
 * Rounding to the column scale happens in application code before writes (growth-engine.md §5.13), never in SQL.
 */
export class NumericType extends DecimalType<'number'> {
  constructor() {
    super('number');
  }

  override convertToJSValue(value: string | number): number {
    return typeof value === 'number' ? value : Number(value);
  }
}

/** bigint ids as JS numbers. */
export class IdType extends BigIntType<'number'> {
  constructor() {
    super('number');
  }
}

/** Property options for a numeric(precision, scale) column. */
export function numeric<T>(precision: number, scale: number, extra: PropertyOptions<T> = {}): PropertyOptions<T> {
  return { type: NumericType, precision, scale, ...extra };
}

/** Property options for a bigint foreign-key scalar column (when the relation itself is not mapped). */
export function bigintColumn<T>(extra: PropertyOptions<T> = {}): PropertyOptions<T> {
  return { type: IdType, columnType: 'bigint', ...extra };
}

/** A UTC calendar day as 'YYYY-MM-DD'. */
export type DateString = string;
