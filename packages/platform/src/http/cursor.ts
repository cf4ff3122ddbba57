import { type TSchema, Type } from 'typebox';
import { ValidationError } from '../errors.ts';

/** A keyset position: the sort timestamp and the row id that breaks ties. */
export interface Cursor {
  at: string;
  id: string;
}

/** Opaque to clients so the sort key can change without breaking them. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at}|${cursor.id}`).toString('base64url');
}

// Only what this API issues: PostgreSQL's ISO output with a 4-digit year, and a canonical uuid.
const isoTimestamp = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(token: string): Cursor {
  const [at, id, ...rest] = Buffer.from(token, 'base64url').toString('utf8').split('|');
  if (
    !at ||
    !id ||
    rest.length > 0 ||
    !isoTimestamp.test(at) ||
    Number.isNaN(Date.parse(at)) ||
    !uuid.test(id)
  ) {
    throw new ValidationError('invalid_cursor', 'The cursor is not one this API issued');
  }
  return { at, id };
}

/** Query-string fields for keyset pagination. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
};

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<T extends { id: string }>(
  rows: T[],
  limit: number,
  sortKey: (row: T) => Date | string,
): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const more = rows.length > limit && last !== undefined;
  const at = last ? sortKey(last) : '';
  return {
    items,
    next_cursor: more ? encodeCursor({ at: at instanceof Date ? at.toISOString() : at, id: last.id }) : null,
  };
}

/** The response schema of a keyset page of `item`. */
export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
}
