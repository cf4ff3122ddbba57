import { createHmac, createSecretKey, hash, hkdfSync, type KeyObject, timingSafeEqual } from 'node:crypto';
import { canonicalObject } from './canonical-json.ts';

/** sha256('POLYMORPH-LITE audit trail genesis'): the `prev_hash` of entry 1 (also in the migration). */
export const genesisHash = 'b87893d0ff2c014fea0806279b725058482b9b851628afb21d43a231a63c7deb';

/** Everything an entry says; the hash covers all of it, in this exact shape. */
export interface AuditFields {
  seq: number;
  occurred_at: string;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  request_id: string | null;
  client_ip: string | null;
  prev_hash: string;
}

/** Exactly the entry's keys, absent values as null: what is stored is what was hashed. */
export function storedFields(fields: AuditFields): AuditFields {
  return {
    seq: fields.seq,
    occurred_at: fields.occurred_at,
    actor_id: fields.actor_id ?? null,
    actor_email: fields.actor_email ?? null,
    action: fields.action,
    entity_type: fields.entity_type,
    entity_id: fields.entity_id ?? null,
    before: fields.before ?? null,
    after: fields.after ?? null,
    reason: fields.reason ?? null,
    request_id: fields.request_id ?? null,
    client_ip: fields.client_ip ?? null,
    prev_hash: fields.prev_hash,
  };
}

/**
 * The exact bytes an entry's hash covers: its RFC 8785 canonical JSON, the time as UTC ISO text with
 * milliseconds, so any two implementations agree byte for byte.
 */
export function auditCanonical(fields: AuditFields): string {
  return canonicalObject(
    { ...storedFields(fields), occurred_at: new Date(fields.occurred_at).toISOString() },
    auditKeys,
  );
}

/** An entry's keys in RFC 8785 order (UTF-16 code units), as `canonicalJson` would sort them. */
const auditKeys = [
  'action',
  'actor_email',
  'actor_id',
  'after',
  'before',
  'client_ip',
  'entity_id',
  'entity_type',
  'occurred_at',
  'prev_hash',
  'reason',
  'request_id',
  'seq',
] as const satisfies readonly (keyof AuditFields)[];

/** The entry's hash: SHA-256 over its canonical JSON. The only way an entry is hashed. */
export function auditHash(fields: AuditFields): string {
  return hash('sha256', auditCanonical(fields));
}

/**
 * The key that seals entries, derived from the server's secret key: the database never holds it, so
 * someone with only the database's credentials can append an entry but cannot seal it.
 */
export function auditMacKey(secretKey: Buffer): KeyObject {
  // A KeyObject, not bytes: an HMAC under a prepared key costs a sixth of importing raw bytes each time.
  return createSecretKey(
    Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'polymorph-lite audit entry seal v1', 32)),
  );
}

/** An entry's seal: HMAC-SHA-256 of its hash under the server's audit key. */
export function auditMac(key: KeyObject, entryHash: string): string {
  return createHmac('sha256', key).update(entryHash).digest('hex');
}

/** Whether `mac` is the server's seal on this hash (constant time). */
export function auditMacValid(key: KeyObject, entryHash: string, mac: string | null): boolean {
  if (mac === null || !/^[0-9a-f]{64}$/.test(mac)) return false;
  return timingSafeEqual(Buffer.from(auditMac(key, entryHash), 'hex'), Buffer.from(mac, 'hex'));
}
