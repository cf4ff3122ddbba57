const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a key has the shape of a uuid. Records are addressable by uuid or by business id; checking
 * the shape first keeps a non-uuid key from reaching a `::uuid` cast, whose error would surface as
 * 400 instead of the 404 an unknown id deserves.
 */
export function isUuid(key: string): boolean {
  return uuidPattern.test(key);
}
