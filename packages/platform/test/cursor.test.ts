import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.ts';
import { decodeCursor, encodeCursor, toPage } from '../src/http/cursor.ts';

describe('keyset cursors', () => {
  it('round-trips a position with microsecond timestamps', () => {
    const cursor = { at: '2026-11-26T10:00:00.123456+00:00', id: '2b0c8a5e-6a53-4d54-9a55-2f1f6f0e8c11' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    '',
    'bm9wZQ',
    Buffer.from('2026-01-01|x').toString('base64url'),
    Buffer.from('a|b|c').toString('base64url'),
  ])('rejects %j as invalid_cursor', (token) => {
    expect(() => decodeCursor(token)).toThrow(ValidationError);
  });

  it('sets next_cursor only when another page exists', () => {
    const rows = [1, 2, 3].map((n) => ({
      id: `00000000-0000-4000-8000-00000000000${n}`,
      at: `2026-11-0${n}T00:00:00Z`,
    }));
    expect(toPage(rows, 3, (row) => row.at).next_cursor).toBeNull();
    const page = toPage(rows, 2, (row) => row.at);
    expect(page.items).toHaveLength(2);
    expect(decodeCursor(page.next_cursor ?? '')).toEqual({ at: '2026-11-02T00:00:00Z', id: rows[1]?.id });
  });
});
