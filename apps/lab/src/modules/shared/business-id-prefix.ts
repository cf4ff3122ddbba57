import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * "The business id or code starts with `prefix`", in a form the (lab_id, column text_pattern_ops)
 * indexes serve under row-level security. There only leakproof operators may become index
 * conditions, and LIKE is not one: `^@`, `~>=~` and `~<~` are. The bytewise range gives the index
 * bounds and the planner a real estimate (`^@` alone is guessed at 1 % and old prefixes then walked
 * the whole lab); ids and codes use [A-Za-z0-9._-] only, all below '~', so the range holds every
 * match and `^@` decides. `column` is a trusted column reference (`eb.ref('samples.sample_id')`).
 */
export function startsWith(column: Expression<string | null>, prefix: string): Expression<SqlBool> {
  return sql<SqlBool>`(${column} ~>=~ ${prefix} and ${column} ~<~ ${`${prefix}~`} and ${column} ^@ ${prefix})`;
}
