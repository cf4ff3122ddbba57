import { type TSchema, Type } from 'typebox';

/** Schema pieces every lab module uses the same way. */
export const Uuid = Type.String({ format: 'uuid' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * Text up to `maxLength`; when required (`minLength` > 0) it must hold a visible character, since it
 * is stored trimmed and the database refuses empty text.
 */
export const Text = (maxLength: number, minLength = 0, description?: string) =>
  Type.String({
    maxLength,
    ...(minLength > 0 ? { minLength, pattern: '\\S' } : {}),
    ...(description ? { description } : {}),
  });

/**
 * A free JSON object with keys of at most 100 characters. (`Type.Record` with a limited key type
 * compiles to `patternProperties: ".*"` and drops the key limit, so `propertyNames` carries it.)
 */
export const FreeObject = (description: string) =>
  Type.Record(Type.String(), Type.Unknown(), { propertyNames: { maxLength: 100 }, description });

/** Sign-in pieces shared by the account, auth and signature schemas. */
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
/** Bounded so argon2 is never asked to hash megabytes; the policy itself is checked in the service. */
export const Password = Type.String({ minLength: 1, maxLength: 256 });
export const Code = Type.String({
  minLength: 6,
  maxLength: 20,
  description: 'A 6-digit TOTP code or a recovery code',
});

/** An empty 204 answer, declared so every route documents its replies. */
export const NoContent = Type.Null({ description: 'No content' });
