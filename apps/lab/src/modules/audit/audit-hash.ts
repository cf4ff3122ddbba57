import { hash } from 'node:crypto';
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
  return hash('sha256', auditCanonical(fields));
}

/** The exact bytes `auditHash` hashes: the entry's RFC 8785 canonical JSON. */
export function auditCanonical(fields: AuditFields): string {
  return fastCanonical(fields) ?? referenceCanonical(fields);
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

function referenceCanonical(fields: AuditFields): string {
  const canonical = canonicalize({
    ...storedFields(fields),
    occurred_at: new Date(fields.occurred_at).toISOString(),
  });
  if (canonical === undefined) throw new Error('audit entry cannot be canonicalised');
  return canonical;
}

/**
 * The same bytes as `referenceCanonical` for plain JSON data (what the verifier reads back, and what
 * callers pass), about three times faster: the entry's keys are written in their sorted order instead
 * of sorted per entry, and values are serialised as `canonicalize` does. Anything else (toJSON, class
 * instances, undefined, non-finite numbers, lone surrogates, deep nesting) returns undefined, and the
 * reference path decides, errors included.
 */
function fastCanonical(fields: AuditFields): string | undefined {
  const values = [
    fields.action,
    fields.actor_email ?? null,
    fields.actor_id ?? null,
    fields.after ?? null,
    fields.before ?? null,
    fields.client_ip ?? null,
    fields.entity_id ?? null,
    fields.entity_type,
    new Date(fields.occurred_at).toISOString(),
    fields.prev_hash,
    fields.reason ?? null,
    fields.request_id ?? null,
    fields.seq,
  ];
  let out = '{';
  for (let i = 0; i < values.length; i += 1) {
    const value = plainJson(values[i], 0);
    if (value === undefined) return undefined;
    out += `${i === 0 ? '' : ','}${sortedKeys[i]}:${value}`;
  }
  return `${out}}`;
}

const sortedKeys = [
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
].map((key) => JSON.stringify(key));

function plainJson(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? JSON.stringify(value) : undefined;
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth > 32 || typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
      const proto = Object.getPrototypeOf(value);
      if (proto === Array.prototype) {
        const items = value as unknown[];
        let out = '[';
        for (let i = 0; i < items.length; i += 1) {
          const item = plainJson(items[i], depth + 1);
          if (item === undefined) return undefined;
          out += i === 0 ? item : `,${item}`;
        }
        return `${out}]`;
      }
      if (proto !== Object.prototype && proto !== null) return undefined;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i += 1) {
        const key = keys[i]!;
        const item = plainJson(record[key], depth + 1);
        if (item === undefined || !key.isWellFormed()) return undefined;
        out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${item}`;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

/**
 * The canonical JSON of an entry whose chain fields are not known yet, as the text around them:
 * sorted, the keys run `action`..`entity_type`, then `occurred_at`, `prev_hash`, then `reason`,
 * `request_id`, then `seq` last. The append fills the gaps in SQL under the head lock
 * (`head,"occurred_at":"…","prev_hash":"…",tail,"seq":N}`), so the lock is held for one statement; the
 * result is checked against `auditCanonical` before the entry is returned.
 */
export function canonicalParts(input: Omit<AuditFields, 'seq' | 'occurred_at' | 'prev_hash'>): {
  head: string;
  tail: string;
} {
  const head = canonicalize({
    actor_id: input.actor_id ?? null,
    actor_email: input.actor_email ?? null,
    action: input.action,
    entity_type: input.entity_type,
    entity_id: input.entity_id ?? null,
    before: input.before ?? null,
    after: input.after ?? null,
    client_ip: input.client_ip ?? null,
  });
  const tail = canonicalize({ reason: input.reason ?? null, request_id: input.request_id ?? null });
  if (head === undefined || tail === undefined) throw new Error('audit entry cannot be canonicalised');
  return { head: head.slice(0, -1), tail: tail.slice(1, -1) };
}
