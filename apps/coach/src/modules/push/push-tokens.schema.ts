import { Type } from 'typebox';

export const PushTokenBody = Type.Object(
  {
    // Format checked by the service, so a wrong token gets `invalid_push_token`, not a schema error.
    token: Type.String({ minLength: 1, maxLength: 1024 }),
    platform: Type.Union([Type.Literal('ios'), Type.Literal('android'), Type.Literal('web')]),
  },
  { additionalProperties: false },
);
export type PushTokenBody = Type.Static<typeof PushTokenBody>;

export const PushToken = Type.Object({
  id: Type.String({ format: 'uuid' }),
  token: Type.String(),
  platform: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_registered_at: Type.String({ format: 'date-time' }),
});
export type PushToken = Type.Static<typeof PushToken>;

export const PushTokenList = Type.Object({ items: Type.Array(PushToken) });

export const PushTokenParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
