import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

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

/**
 * The entry's hash: SHA-256 over its RFC 8785 canonical JSON (sorted keys, one number format, one
 * string escaping), so any two implementations agree byte for byte. Timestamps are UTC ISO strings.
 */
export function auditHash(fields: AuditFields): string {
  // Exactly these keys, absent values as null: what is stored is what was hashed.
  const canonical = canonicalize({
    seq: fields.seq,
    occurred_at: new Date(fields.occurred_at).toISOString(),
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
  });
  if (canonical === undefined) throw new Error('audit entry cannot be canonicalised');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
