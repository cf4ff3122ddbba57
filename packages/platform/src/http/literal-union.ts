import { type TLiteral, type TLiteralValue, type TUnion, Type } from 'typebox';

/** A literal schema per value, as a tuple: Type.Union's static type needs a tuple, not an array. */
type Literals<Values extends readonly TLiteralValue[]> = {
  -readonly [K in keyof Values]: TLiteral<Values[K]>;
};

/**
 * One of the values of a `const` list, as a union of literal schemas (`anyOf` in OpenAPI), typed as
 * exactly those values: the list stays the one place a set of codes is written.
 */
export function literalUnion<const Values extends readonly TLiteralValue[]>(
  values: Values,
): TUnion<Literals<Values>> {
  const literals = values.map((value) => Type.Literal(value)) as Literals<Values>;
  return Type.Union(literals) as TUnion<Literals<Values>>;
}
