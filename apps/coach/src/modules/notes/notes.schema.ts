import { PageQuery, pageOf } from '@ours/platform/http';
import { Type } from 'typebox';

export const NotesQuery = Type.Object(PageQuery, { additionalProperties: false });
export type NotesQuery = Type.Static<typeof NotesQuery>;

export const Note = Type.Object({
  id: Type.String({ format: 'uuid' }),
  note: Type.String(),
  type: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});
export type Note = Type.Static<typeof Note>;

export const NotesPage = pageOf(Note);
