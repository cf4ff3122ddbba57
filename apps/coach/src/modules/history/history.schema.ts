import { PageQuery, pageOf } from '@ours/platform/http';
import { Type } from 'typebox';

export const HistoryQuery = Type.Object(PageQuery, { additionalProperties: false });
export type HistoryQuery = Type.Static<typeof HistoryQuery>;

export const HistoryItem = Type.Object({
  id: Type.String({ format: 'uuid' }),
  session_id: Type.String(),
  user_message: Type.String(),
  ai_response: Type.String(),
  success: Type.Boolean(),
  topic: Type.Union([Type.String(), Type.Null()]),
  timestamp: Type.String({ format: 'date-time' }),
});
export type HistoryItem = Type.Static<typeof HistoryItem>;

export const HistoryPage = pageOf(HistoryItem);
