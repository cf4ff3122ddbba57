import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabDatabase } from '../src/db/lab-database.ts';
import {
  auditCanonical,
  auditHash,
  auditMac,
  genesisHash,
  storedFields,
} from '../src/modules/audit/audit-hash.ts';
import { walkRangeOverCopy } from '../src/modules/audit/audit-range.ts';
import { type ChainVerification, verifyChain, verifySegment } from '../src/modules/audit/audit-verifier.ts';
import { canonicalJson } from '../src/modules/audit/canonical-json.ts';
import { testMacKey } from './support/audit-trail.ts';
import { openLabTestDatabase } from './support/lab-database.ts';
import { asSuperuser } from './support/superuser.ts';

// A chain of a few thousand entries walked by four workers (ranges 1-750, 751-1500, 1501-2250,
// 2251-3000 with the joins at 751, 1501 and 2251), against the walk in this thread. On PGlite no worker
// can reach the database and both walks run in this thread: the same expectations hold.
let db: LabDatabase;
const total = 3_000;
const workers = 4;
const joins = [751, 1501, 2251];

/** JSON texts as stored (jsonb keeps numeric scale, key order is PostgreSQL's): each escape route. */
const documents = [
  '{"quantity": 1500, "unit": "uL", "status": "available", "tags": ["plasma", "cohort-3"]}',
  '{"b": 1, "aa": 2, "a": {"z": [], "y": {}, "x": [1, {"k": null}]}, "": true, "B": false}',
  '{"note": "says \\"hello\\" \\\\ back\\nslash\\ttab \\u0001", "ok": "caf\u00e9 \u00b7 \u2603 \ud83d\ude00"}',
  '{"\ud83d\ude00": 1, "\uff01": 2, "\u00e9": 3, "e": 4}',
  '{"n": [0, -0.5, 0.1, 1.50, 1.0, 10, 1e21, 1.5e-7, 0.000001, 0.0000001, 123456789012345678, -12.25]}',
  '[1, "two", {"three": 3}]',
  '"a bare string"',
  '12.5',
  'null',
];
const texts = [
  null,
  'plain',
  'with "quotes"',
  'back\\slash',
  'line\nbreak\ttab',
  'caf\u00e9 \ud83d\ude00',
  '\u0001',
];
const times = [
  '2026-01-05 08:00:01.337+00',
  '2026-01-05 23:59:59.999999+00',
  '2026-03-01 00:00:00+00',
  '1999-12-31 23:59:59.9995+00',
  '2000-01-01 00:00:00.5+00',
  '1969-07-20 20:17:40.123456+00',
];

function row(seq: number) {
  const pick = <T>(list: T[], salt: number) => list[(seq * 31 + salt * 5) % list.length]!;
  return {
    seq,
    occurred_at: pick(times, 1),
    actor_id:
      seq % 5 === 0 ? null : `6f1c1a4e-2a51-4c5e-9d3c-${(seq % 1_000_000).toString(16).padStart(12, '0')}`,
    actor_email: seq % 13 === 0 ? pick(texts, 2) : 'tech@lab.test',
    action: seq % 11 === 0 ? 'sample "quoted"' : 'sample.update',
    entity_type: 'sample',
    entity_id: seq % 17 === 0 ? pick(texts, 3) : `S-${seq}`,
    before: seq % 3 === 0 ? null : pick(documents, 4),
    after: pick(documents, 5),
    reason: pick(texts, 6),
    request_id: `req-${seq}`,
    client_ip: seq % 19 === 0 ? pick(texts, 0) : '192.0.2.7',
  };
}

/**
 * The chain, stored as-is (texts, JSON documents, microsecond times), then hashed as the pool reads it
 * back (the reference path) and sealed: both walks must find it valid, which checks the COPY path's
 * bytes against `auditHash` on every escape route above.
 */
async function buildChain(): Promise<void> {
  const rows = Array.from({ length: total }, (_, i) => row(i + 1));
  const literal = (value: string | null) => (value === null ? 'NULL' : `'${value.replaceAll("'", "''")}'`);
  const values = rows
    .map(
      (r) =>
        `(${r.seq}, ${literal(r.occurred_at)}::timestamptz, ${literal(r.actor_id)}::uuid, ${literal(r.actor_email)},
          ${literal(r.action)}, ${literal(r.entity_type)}, ${literal(r.entity_id)}, ${literal(r.before)}::jsonb,
          ${literal(r.after)}::jsonb, ${literal(r.reason)}, ${literal(r.request_id)}, ${literal(r.client_ip)},
          lpad('${r.seq}', 64, '0'), lpad('${r.seq}', 64, '0'), lpad('${r.seq}', 64, '0'))`,
    )
    .join(',\n');
  await asSuperuser(
    db,
    `ALTER TABLE audit_entries DISABLE TRIGGER USER;
     INSERT INTO audit_entries (seq, occurred_at, actor_id, actor_email, action, entity_type, entity_id,
       before, after, reason, request_id, client_ip, prev_hash, hash, mac) VALUES ${values};
     ALTER TABLE audit_entries ENABLE TRIGGER USER`,
  );
  const stored = await db.kysely
    .selectFrom('audit_entries')
    .select([
      'seq',
      'occurred_at',
      'actor_id',
      'actor_email',
      'action',
      'entity_type',
      'entity_id',
      'before',
      'after',
      'reason',
      'request_id',
      'client_ip',
    ])
    .orderBy('seq')
    .execute();
  let previous = genesisHash;
  const sealed = stored.map((entry) => {
    const prev = previous;
    previous = auditHash({ ...entry, prev_hash: prev });
    return { seq: entry.seq, prev_hash: prev, hash: previous, mac: auditMac(testMacKey, previous) };
  });
  await asSuperuser(
    db,
    `ALTER TABLE audit_entries DISABLE TRIGGER USER;
     UPDATE audit_entries e SET prev_hash = s.prev_hash, hash = s.hash, mac = s.mac
     FROM jsonb_to_recordset('${JSON.stringify(sealed)}'::jsonb) AS s(seq int8, prev_hash text, hash text, mac text)
     WHERE e.seq = s.seq;
     UPDATE audit_head SET seq = ${total}, hash = '${previous}';
     ALTER TABLE audit_entries ENABLE TRIGGER USER`,
  );
}

const inProcess = () => db.transaction((tx) => verifyChain(tx, { macKey: testMacKey }));
const parallel = (onProgress?: (checked: number) => void) =>
  db.transaction(
    (tx) =>
      verifyChain(tx, {
        macKey: testMacKey,
        connection: db.connection,
        workers,
        parallelFrom: 1,
        onProgress,
      }),
    { isolation: 'repeatable read', readOnly: true },
  );

/** Both walks, which must agree to the last field. */
async function bothWalks(): Promise<ChainVerification> {
  const [a, b] = [await inProcess(), await parallel()];
  expect(b).toEqual(a);
  return b;
}

/**
 * Runs `script` as a superuser with the append-only trigger off (after keeping entries `seqs` aside),
 * walks both ways, then puts those entries back as they were.
 */
async function tampered(seqs: number[], script: string): Promise<ChainVerification> {
  const off = (s: string) =>
    `ALTER TABLE audit_entries DISABLE TRIGGER USER; ${s}; ALTER TABLE audit_entries ENABLE TRIGGER USER`;
  const list = seqs.join(', ');
  await asSuperuser(
    db,
    off(`CREATE TABLE IF NOT EXISTS kept_entries AS SELECT * FROM audit_entries WHERE false;
         INSERT INTO kept_entries SELECT * FROM audit_entries WHERE seq IN (${list});
         ${script}`),
  );
  try {
    return await bothWalks();
  } finally {
    await asSuperuser(
      db,
      off(`DELETE FROM audit_entries WHERE seq IN (${list});
           INSERT INTO audit_entries SELECT * FROM kept_entries;
           DELETE FROM kept_entries`),
    );
  }
}

/** Changes a column of entries `seqs`. */
const edit = (seqs: number[], column: string, expression: string) =>
  tampered(seqs, `UPDATE audit_entries SET ${column} = ${expression} WHERE seq IN (${seqs.join(', ')})`);

/** Removes entry `seq`. */
const remove = (seq: number) => tampered([seq], `DELETE FROM audit_entries WHERE seq = ${seq}`);

beforeAll(async () => {
  db = await openLabTestDatabase();
  await buildChain();
}, 120_000);
afterAll(async () => db?.close());

describe('chain verification over parallel ranges', () => {
  it('finds the chain valid, with every escape route through the reference path, and reports progress', async () => {
    const progress: number[] = [];
    const result = await parallel((checked) => progress.push(checked));
    expect(result).toMatchObject({ valid: true, checked: total, first_invalid_seq: null, reason: null });
    expect(result).toEqual(await inProcess());
    expect(progress.at(-1)).toBe(total);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('hashes plain rows from their bytes and leaves every escape route to the reference path', async () => {
    // Nothing JSON escapes: no quote, backslash or control character.
    const plainText = (t: string | null) =>
      t === null || ![...t].some((c) => c === '"' || c === '\\' || c.charCodeAt(0) < 0x20);
    const plainDocument = (d: string | null) => d === null || ![2, 3, 4].some((i) => documents[i] === d);
    const expected = Array.from({ length: total }, (_, i) => row(i + 1)).filter(
      (r) =>
        ![r.actor_email, r.action, r.entity_type, r.entity_id, r.reason, r.request_id, r.client_ip].every(
          plainText,
        ) ||
        !plainDocument(r.before) ||
        !plainDocument(r.after),
    ).length;
    if (db.connection.kind !== 'postgres') return; // no COPY reader on PGlite
    const client = new pg.Client({ connectionString: db.connection.url });
    await client.connect();
    try {
      await client.query('begin isolation level repeatable read read only');
      const walked = await walkRangeOverCopy(
        client,
        { afterSeq: 0, throughSeq: null, afterHash: genesisHash, complete: false, sealedFrom: 1 },
        testMacKey,
        {},
      );
      expect(walked).toMatchObject({ checked: total, broken: null, reference_path: expected });
      expect(expected).toBeGreaterThan(total / 4);
      expect(expected).toBeLessThan(total);
    } finally {
      await client.end();
    }
  });

  it('keeps the entry hash RFC 8785 over the stored fields (the fixed-key canonical JSON is the general one)', async () => {
    const stored = await db.kysely
      .selectFrom('audit_entries')
      .selectAll()
      .orderBy('seq')
      .limit(200)
      .execute();
    for (const entry of stored) {
      const general = canonicalJson({
        ...storedFields(entry),
        occurred_at: new Date(entry.occurred_at).toISOString(),
      });
      expect(auditCanonical(entry)).toBe(general);
      expect(auditHash(entry)).toBe(entry.hash);
    }
  });

  it.each([
    ['the first range', 17],
    ['a middle range', 1_200],
    ['the last range', 2_999],
    ['the last entry', total],
  ])('finds an edited entry in %s', async (_, seq) => {
    const result = await edit([seq], 'reason', `'forged'`);
    expect(result).toMatchObject({
      valid: false,
      first_invalid_seq: seq,
      reason: 'content does not match its hash',
    });
  });

  it.each(joins)('finds a broken link at the join before entry %i', async (seq) => {
    const result = await edit([seq], 'prev_hash', `repeat('0', 64)`);
    expect(result).toMatchObject({
      valid: false,
      first_invalid_seq: seq,
      reason: 'does not link to the previous entry',
    });
    expect(result.checked).toBe(seq - 1);
  });

  it('finds the last entry of a range rewritten, at the next range (its link)', async () => {
    // A forger with the seal key re-hashes and re-seals entry 1500: 1501 no longer links to it.
    const forged = await db.kysely
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '=', 1500)
      .executeTakeFirstOrThrow();
    const hash = auditHash({ ...forged, reason: 'forged' });
    const result = await edit(
      [1_500],
      '(reason, hash, mac)',
      `('forged', '${hash}', '${auditMac(testMacKey, hash)}')`,
    );
    expect(result).toMatchObject({
      valid: false,
      first_invalid_seq: 1_501,
      reason: 'does not link to the previous entry',
    });
  });

  it.each([
    ['the first entry of a range', 751],
    ['the last entry of a range', 1_500],
    ['an entry inside a range', 2_000],
  ])('finds %s missing', async (_, seq) => {
    const result = await remove(seq);
    expect(result).toMatchObject({ valid: false, first_invalid_seq: seq, reason: `entry ${seq} is missing` });
  });

  it('finds an unsealed entry', async () => {
    const result = await edit([2_600], 'mac', `repeat('e', 64)`);
    expect(result).toMatchObject({
      valid: false,
      first_invalid_seq: 2_600,
      reason: 'is not sealed by this server (written without its key)',
    });
  });

  it('names the earliest wrong entry when several ranges find one', async () => {
    const result = await edit([2_700, 1_800, 900, 1_000], 'reason', `'forged'`);
    expect(result).toMatchObject({
      valid: false,
      first_invalid_seq: 900,
      reason: 'content does not match its hash',
      checked: 899,
    });
    expect((await inProcess()).valid).toBe(true);
  });

  it('walks a segment from a checkpoint through a bound, as checkpoints and doctor do', async () => {
    const after = await db.kysely
      .selectFrom('audit_entries')
      .select('hash')
      .where('seq', '=', 400)
      .executeTakeFirstOrThrow();
    const segment = (parallelFrom: number) =>
      db.transaction((tx) =>
        verifySegment(
          tx,
          { afterSeq: 400, afterHash: after.hash },
          {
            macKey: testMacKey,
            sealedFrom: 1,
            throughSeq: 2_800,
            connection: db.connection,
            workers: 3,
            parallelFrom,
          },
        ),
      );
    const [a, b] = [await segment(Number.MAX_SAFE_INTEGER), await segment(1)];
    expect(b).toEqual(a);
    expect(b).toMatchObject({ checked: 2_400, last_seq: 2_800, broken: null });
  });

  // PGlite has one connection: nothing can append while a transaction holds it.
  it.skipIf(process.env.TEST_DB !== 'postgres')(
    'walks the snapshot it was asked in: entries committed meanwhile are not part of it',
    async () => {
      const result = await db.transaction(
        async (tx) => {
          await sql`select count(*) from audit_entries`.execute(tx); // the snapshot is taken here
          await asSuperuser(
            db,
            `ALTER TABLE audit_entries DISABLE TRIGGER USER;
             INSERT INTO audit_entries (seq, occurred_at, action, entity_type, prev_hash, hash, mac)
             VALUES (${total + 1}, now(), 'forged', 'sample', repeat('1', 64), repeat('2', 64), repeat('3', 64));
             ALTER TABLE audit_entries ENABLE TRIGGER USER`,
          );
          return verifyChain(tx, { macKey: testMacKey, connection: db.connection, workers, parallelFrom: 1 });
        },
        { isolation: 'repeatable read', readOnly: true },
      );
      expect(result).toMatchObject({ valid: true, checked: total });
      expect(await parallel()).toMatchObject({ valid: false, first_invalid_seq: total + 1 });
    },
  );
});
