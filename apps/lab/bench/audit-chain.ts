import { hash, randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  type AuditFields,
  auditCanonical,
  auditHash,
  auditMac,
  auditMacKey,
  genesisHash,
} from '../src/modules/audit/audit-hash.ts';

/** The benchmark server's sealing key (the chain it builds is sealed as the server would seal it). */
export const benchMacKey = auditMacKey(randomBytes(32));

const batchSize = 5_000;
const start = Date.parse('2026-01-05T08:00:00.000Z');
const actors = [
  ['6f1c1a4e-2a51-4c5e-9d3c-6a0b6c9f6d11', 'scientist@lab.test'],
  ['0b6f3d0e-8f4a-4f43-9a57-2a3c1e7d9b20', 'technician@lab.test'],
  ['c3a9e0f1-5d2b-4e8c-b1a7-7f6e5d4c3b2a', 'qa.lead@lab.test'],
] as const;

/** Entry `seq` of a deterministic, realistic chain (sample changes, logins, signatures). */
export function benchEntry(seq: number, prevHash: string): AuditFields {
  const [actorId, actorEmail] = actors[seq % actors.length]!;
  const base = {
    seq,
    occurred_at: new Date(start + seq * 1_337).toISOString(),
    actor_id: actorId,
    actor_email: actorEmail,
    request_id: `req-${seq.toString(36)}`,
    client_ip: `192.0.2.${seq % 250}`,
    prev_hash: prevHash,
  };
  const kind = seq % 10;
  if (kind === 0) {
    return {
      ...base,
      action: 'auth.login',
      entity_type: 'user',
      entity_id: actorId,
      before: null,
      after: { mfa: 'totp' },
      reason: null,
    };
  }
  if (kind === 1) {
    return {
      ...base,
      action: 'sample.create',
      entity_type: 'sample',
      entity_id: `S-${seq}`,
      before: null,
      after: {
        barcode: `S-${seq}`,
        quantity: 1500,
        unit: 'uL',
        status: 'available',
        project: 'P-7',
        tags: ['plasma', 'cohort-3'],
      },
      reason: null,
    };
  }
  const quantity = 1000 - (seq % 80) * 12.5;
  return {
    ...base,
    action: 'sample.update',
    entity_type: 'sample',
    entity_id: `S-${seq % 50_000}`,
    before: {
      quantity,
      unit: 'uL',
      status: 'available',
      location: 'Freezer A / Rack 2 / Box 7',
      version: seq % 9,
    },
    after: {
      quantity: quantity - 12.5,
      unit: 'uL',
      status: 'in_use',
      location: 'Bench 4 \u00b7 caf\u00e9',
      version: (seq % 9) + 1,
    },
    reason: 'aliquot taken for assay',
  };
}

const insert = `
  insert into audit_entries (seq, occurred_at, actor_id, actor_email, action, entity_type, entity_id,
    before, after, reason, request_id, client_ip, prev_hash, hash, mac)
  select seq, occurred_at, actor_id, actor_email, action, entity_type, entity_id, before, after, reason,
    request_id, client_ip, prev_hash, hash, mac
  from jsonb_to_recordset($1::jsonb) as x(seq int8, occurred_at timestamptz, actor_id uuid, actor_email text,
    action text, entity_type text, entity_id text, before jsonb, after jsonb, reason text, request_id text,
    client_ip text, prev_hash text, hash text, mac text)`;

/**
 * Builds a chain of `total` entries with the real `auditHash` and seal, inserted in batches as the superuser
 * on two connections (JS hashes the next batch while PostgreSQL stores the last), then moves the
 * head. Returns every entry's hash (32 bytes each) so the baseline can re-derive the same bytes.
 */
export async function buildChain(adminUrl: string, total: number): Promise<Buffer> {
  const hashes = Buffer.alloc(total * 32);
  const clients = [
    new pg.Client({ connectionString: adminUrl }),
    new pg.Client({ connectionString: adminUrl }),
  ];
  await Promise.all(clients.map((client) => client.connect()));
  const pending: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
  try {
    let previous = genesisHash;
    for (let from = 1, batch = 0; from <= total; from += batchSize, batch += 1) {
      const rows: (AuditFields & { hash: string; mac: string })[] = [];
      for (let seq = from; seq < Math.min(from + batchSize, total + 1); seq += 1) {
        const fields = benchEntry(seq, previous);
        previous = auditHash(fields);
        hashes.write(previous, (seq - 1) * 32, 'hex');
        rows.push({ ...fields, hash: previous, mac: auditMac(benchMacKey, previous) });
      }
      const slot = batch % 2;
      await pending[slot];
      const inserted = clients[slot]!.query(insert, [JSON.stringify(rows)]);
      inserted.catch(() => {}); // awaited before the slot is reused or at the end; never unhandled
      pending[slot] = inserted;
    }
    await Promise.all(pending);
    await clients[0]!.query('update audit_head set seq = $1, hash = $2', [total, previous]);
    // An old chain has been vacuumed: visibility map set, hint bits written, statistics current.
    await clients[0]!.query('vacuum (analyze) audit_entries');
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
  return hashes;
}

/**
 * The floor for verification: SHA-256 alone over the same canonical bytes, in a tight loop. Each
 * batch's canonical JSON is re-derived and encoded to UTF-8 outside the timed loop (memory stays
 * small), so only the hashing is timed.
 */
export function rawShaRate(hashes: Buffer, total: number): { perSecond: number; seconds: number } {
  let timed = 0;
  let sink = 0;
  for (let from = 1; from <= total; from += batchSize) {
    const canonical: Buffer[] = [];
    for (let seq = from; seq < Math.min(from + batchSize, total + 1); seq += 1) {
      const prev = seq === 1 ? genesisHash : hashes.toString('hex', (seq - 2) * 32, (seq - 1) * 32);
      canonical.push(Buffer.from(auditCanonical(benchEntry(seq, prev)), 'utf8'));
    }
    const at = performance.now();
    for (const bytes of canonical) sink += hash('sha256', bytes).length;
    timed += performance.now() - at;
  }
  if (sink !== total * 64) throw new Error('raw hashing went wrong');
  return { perSecond: total / (timed / 1000), seconds: timed / 1000 };
}
