import { Type } from 'typebox';
import { Code, Password } from '../shared/schema.ts';
import { signatureMeanings } from './signature-manifest.ts';

export const Meaning = Type.Union(signatureMeanings.map((meaning) => Type.Literal(meaning)));

export const SignatureView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  record_type: Type.String(),
  record_id: Type.String(),
  signer_id: Type.String({ format: 'uuid' }),
  printed_name: Type.String(),
  meaning: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  signed_at: Type.String(),
  record_hash: Type.String(),
  key_id: Type.String(),
  algorithm: Type.String(),
  signature: Type.String(),
});

export const SignBody = Type.Object(
  {
    record_type: Type.String({ pattern: '^[a-z][a-z0-9_]{0,49}$' }),
    record_id: Type.String({ minLength: 1, maxLength: 200 }),
    meaning: Meaning,
    reason: Type.String({ minLength: 1, pattern: '\\S', maxLength: 1000 }),
    password: Password,
    totp: Type.Optional(Code),
  },
  { additionalProperties: false },
);

export const SignaturesQuery = Type.Object(
  {
    record_type: Type.String({ pattern: '^[a-z][a-z0-9_]{0,49}$' }),
    record_id: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const VerificationReply = Type.Object({
  signature: SignatureView,
  signature_valid: Type.Boolean(),
  record_unchanged: Type.Boolean(),
});

export const PublicKeysReply = Type.Object({
  current_key_id: Type.String(),
  keys: Type.Array(
    Type.Object({
      key_id: Type.String(),
      algorithm: Type.String(),
      public_key_pem: Type.String(),
      first_used_at: Type.String(),
    }),
  ),
});
