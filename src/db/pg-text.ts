/**
 * Values in PostgreSQL's COPY text format, spelled exactly as PostgreSQL prints them back (session TimeZone UTC,
 * DateStyle ISO, which every app connection sets: `pg-session.ts`). The batch hash is defined over these bytes, so `verify --deep` can recompute it with
 * `COPY (SELECT …) TO STDOUT` and compare byte for byte (synthetic-farm.md §7).
 */
import { roundHalfEven } from '../modules/growth/engine/rounding.js';
import { fromDayIndex as formatIsoDate } from '../shared/dates.js';

/** A UTC calendar date as whole days since 1970-01-01. */
type EpochDay = number;

/** NULL in COPY text format. */
export const NULL = '\\N';

/**
 * A numeric(p, s) value with exactly `scale` decimals, as PostgreSQL prints numeric with a declared scale.
 * Rounded half-even first (growth-engine.md §5.13): PostgreSQL would round half away from zero, so rounding is
 * never left to the server.
 */
export function numericText(value: number, scale: number): string {
  if (!Number.isFinite(value)) throw new Error(`Cannot store non-finite numeric ${value}`);
  return roundHalfEven(value, scale).toFixed(scale);
}

/**
 * As `numericText` for values already rounded to at most `scale` decimals (sensor readings, weighings): the
 * binary value is then within 1e-12 of its decimal, so `toFixed` cannot round differently.
 */
export function roundedNumericText(value: number, scale: number): string {
  return value.toFixed(scale);
}

/** A nullable numeric. */
export function nullableNumericText(value: number | null | undefined, scale: number): string {
  return value === null || value === undefined ? NULL : numericText(value, scale);
}

/** An integer column (int, bigint); ids stay below 2^53, so `String` prints them exactly. */
export function intText(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`Not an integer column value: ${value}`);
  return String(value);
}

export function nullableIntText(value: number | null | undefined): string {
  return value === null || value === undefined ? NULL : intText(value);
}

export function boolText(value: boolean): string {
  return value ? 't' : 'f';
}

/** Text with COPY's backslash escapes (backslash, tab, newline, carriage return). */
export function textText(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

export function nullableTextText(value: string | null | undefined): string {
  return value === null || value === undefined ? NULL : textText(value);
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

// Epoch days of a run span a few thousand dates: cache their spelling.
const dateCache = new Map<EpochDay, string>();

/** A `date` column value (`YYYY-MM-DD`). */
export function dateText(day: EpochDay): string {
  let text = dateCache.get(day);
  if (text === undefined) {
    text = formatIsoDate(day);
    dateCache.set(day, text);
  }
  return text;
}

export function nullableDateText(day: EpochDay | null | undefined): string {
  return day === null || day === undefined ? NULL : dateText(day);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

// Whole hours repeat on every row of a day (readings, meals, samples): cache them.
const hourCache = new Map<number, string>();

/** A `timestamptz` at `hour:minute:second` UTC of a day, as printed with TimeZone = UTC. */
export function timestampText(day: EpochDay, hourUtc: number, minute = 0, second = 0): string {
  if (minute === 0 && second === 0) {
    const key = day * 24 + hourUtc;
    let text = hourCache.get(key);
    if (text === undefined) {
      text = `${dateText(day)} ${pad2(hourUtc)}:00:00+00`;
      hourCache.set(key, text);
    }
    return text;
  }
  return `${dateText(day)} ${pad2(hourUtc)}:${pad2(minute)}:${pad2(second)}+00`;
}

/** JSON value for `jsonbText`. */
export type JsonbValue = string | number | boolean | null | readonly JsonbValue[] | { readonly [key: string]: JsonbValue | undefined };

/**
 * A jsonb value as PostgreSQL prints it: object keys ordered by length, then bytewise; `": "` and `", "`
 * separators; numbers printed as given. Then escaped for COPY text (JSON escapes contain backslashes).
 */
export function jsonbText(value: JsonbValue): string {
  return textText(jsonbCanonical(value));
}

/** The canonical jsonb spelling, before COPY escaping. */
export function jsonbCanonical(value: JsonbValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return jsonbNumber(value);
  if (typeof value === 'string') return jsonbString(value);
  if (Array.isArray(value)) return `[${(value as readonly JsonbValue[]).map(jsonbCanonical).join(', ')}]`;
  const object = value as { readonly [key: string]: JsonbValue | undefined };
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort(compareJsonbKeys);
  return `{${keys.map((key) => `${jsonbString(key)}: ${jsonbCanonical(object[key]!)}`).join(', ')}}`;
}

/** jsonb's key order: shorter first, then by UTF-8 bytes. */
function compareJsonbKeys(a: string, b: string): number {
  const ab = Buffer.byteLength(a);
  const bb = Buffer.byteLength(b);
  if (ab !== bb) return ab - bb;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** A flat jsonb object of primitives (provenance, confidence). */
export type FlatJson = { readonly [key: string]: string | number | boolean | null | undefined };

/**
 * An encoder for flat objects with a known key set: the jsonb key order is computed once, and each object is
 * spelled by reading those keys. Objects with other keys fall back to `jsonbText`.
 */
export function flatJsonbEncoder(keys: readonly string[]): (value: FlatJson) => string {
  const order = [...keys].sort(compareJsonbKeys).map((key) => [key, `${jsonbString(key)}: `] as const);
  return (value) => {
    let count = 0;
    for (const key in value) if (value[key] !== undefined) count++;
    if (count !== order.length) return jsonbText(value);
    let out = '{';
    for (let i = 0; i < order.length; i++) {
      const [key, label] = order[i]!;
      const field = value[key];
      if (field === undefined) return jsonbText(value);
      out += (i === 0 ? label : `, ${label}`) + (typeof field === 'number' ? jsonbNumber(field) : jsonbCanonical(field));
    }
    return textText(`${out}}`);
  };
}

/** `jsonbText` for a flat object of primitives. */
export function jsonbFlatText(value: FlatJson): string {
  return flatJsonbEncoder(Object.keys(value))(value);
}

export function jsonbNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`jsonb cannot hold ${value}`);
  const text = String(value);
  // jsonb prints numeric in plain notation; exponents never occur in our 3–4 dp values.
  if (text.includes('e')) throw new Error(`Number ${text} would be re-spelled by jsonb`);
  return text === '-0' ? '0' : text;
}

/** Characters a JSON string must escape. */
const JSON_ESCAPES = /["\\\u0000-\u001f]/;

function jsonbString(value: string): string {
  if (!JSON_ESCAPES.test(value)) return `"${value}"`;
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}
