import type { ColumnType } from 'kysely';

/**
 * The TypeScript side of the value rules in type-parsers.ts, used by every generated schema file:
 * what a column reads as, and what it accepts on insert and update.
 */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonObject | JsonValue[];
export type JsonObject = { [key: string]: JsonValue };

/**
 * A json/jsonb column: reads parsed, written as JSON text (`JSON.stringify`), because `pg` would send
 * a JS array as a PostgreSQL array, not as JSON. `T` narrows what the column holds where the schema
 * says so (an override in the generator's config).
 */
export type Json<T = JsonValue> = ColumnType<T, string, string>;
/** timestamptz: an ISO string in UTC with PostgreSQL's precision; a Date or ISO text on the way in. */
export type Timestamp = ColumnType<string, string | Date, string | Date>;
/** numeric: a number (the app keeps 6 decimals under 10^9); its text is accepted on the way in. */
export type Numeric = ColumnType<number, number | string, number | string>;
/** int8: a number (2^53 guarded); bigint or text accepted on the way in. */
export type Int8 = ColumnType<number, number | bigint | string, number | bigint | string>;

/**
 * A column the database fills when an insert leaves it out (a default, identity or generated
 * column); unlike Kysely's own `Generated`, it also unwraps the column types above.
 */
export type Generated<T> =
  T extends ColumnType<infer S, infer I, infer U>
    ? ColumnType<S, I | undefined, U>
    : ColumnType<T, T | undefined, T>;
