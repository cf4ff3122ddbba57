import pg from 'pg';
import { defaultLabId } from '../src/modules/sites/lab-scope.ts';

const chunk = 100_000;
const days = 730;
export const sampleTypes = ['plasma', 'serum', 'whole_blood', 'dna', 'rna', 'tissue', 'urine', 'saliva'];
// Two years of intake: old samples are mostly used up or stored, a few recent ones still arriving.
const statusOf = `case when r4 < 0.05 then 'received' when r4 < 0.62 then 'in_storage' when r4 < 0.72 then 'in_process'
  when r4 < 0.95 then 'consumed' else 'disposed' end`;

export interface SeededLab {
  projectIds: string[];
  batchIds: string[];
  containerIds: string[];
  from: Date;
  to: Date;
}

/**
 * `total` samples in the default lab, written as the superuser with set-based SQL (no audit trail): 8 projects of 6
 * batches each (a batch per third of a year), 250 boxes and racks, 8 sample types (plasma and
 * serum twice as common), a lifecycle mix, 1 % soft-deleted, created over two years in business-id
 * order (S0000001, S0000002, ...) with jitter. Then VACUUM ANALYZE, as an old table would be.
 */
export async function seedLabSamples(adminUrl: string, total: number, userId: string): Promise<SeededLab> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Synthetic history, loaded the way a restore would: `replica` skips the audit coverage
    // triggers (and foreign-key checks) for this session only, since these rows have no trail.
    await client.query(
      `set synchronous_commit = off; set maintenance_work_mem = '256MB'; set session_replication_role = replica;
       select setseed(0.42)`,
    );
    const lab = defaultLabId;
    const organisers = [
      `insert into projects (lab_id, code, name, created_by, created_at)
         select $1, 'PRJ-' || lpad(p::text, 2, '0'), 'Cohort study ' || p, $2, now() - interval '${days + 30} days'
         from generate_series(1, 8) p`,
      `insert into batches (lab_id, code, project_id, created_by)
         select $1, 'B-' || p.code || '-' || b, p.id, $2 from projects p, generate_series(1, 6) b`,
      `insert into containers (lab_id, code, container_type, location, capacity, created_by)
         select $1, 'BOX-' || lpad(c::text, 3, '0'), case when c % 5 = 0 then 'rack' else 'box' end,
           'Freezer ' || chr(65 + c % 4) || ' / Rack ' || (c % 10 + 1), 81, $2
         from generate_series(1, 250) c`,
    ];
    for (const statement of organisers) await client.query(statement, [lab, userId]);
    for (let from = 1; from <= total; from += chunk) {
      const to = Math.min(total, from + chunk - 1);
      await client.query(
        `with p as (select array_agg(id order by code) ids from projects),
              b as (select array_agg(id order by code) ids from batches),
              c as (select array_agg(id order by code) ids from containers),
              n as (select i, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
                      now() - interval '${days} days' - interval '1 hour' + (i - 1) * interval '${days} days' / $2::float8
                        + random() * interval '10 minutes' as at
                    from generate_series($1::int, $3::int) i)
         insert into samples (lab_id, sample_id, sample_type, status, quantity, unit, container_id, project_id,
           batch_id, metadata, created_by, created_at, updated_by, updated_at, deleted_at, deleted_by)
         select $4, 'S' || lpad(n.i::text, 7, '0'),
           ($5::text[])[1 + floor(r3 * 10)::int % 10],
           ${statusOf}, round((r5 * 10)::numeric, 3), 'mL',
           c.ids[1 + floor(r2 * 250)::int], p.ids[1 + floor(r1 * 8)::int],
           b.ids[floor(r1 * 8)::int * 6 + 1 + least(5, floor(6 * (n.i - 1) / $2::float8)::int)],
           jsonb_build_object('visit', n.i % 12 + 1, 'site', 'site-' || n.i % 17), $6, at, $6, at,
           case when r6 < 0.01 then at + interval '1 day' end, case when r6 < 0.01 then $6::uuid end
         from n, p, b, c`,
        [from, total, to, lab, [...sampleTypes, 'plasma', 'serum'], userId],
      );
      console.log(`seeded ${to.toLocaleString('en-GB')} samples`);
    }
    await client.query('vacuum (analyze) samples, projects, batches, containers');
    return await seededLab(client);
  } finally {
    await client.end();
  }
}

/** What `seedLabSamples` answered, read back from a database it seeded earlier (BENCH_KEEP_DATABASE). */
export async function readSeededLab(adminUrl: string): Promise<SeededLab> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await seededLab(client);
  } finally {
    await client.end();
  }
}

async function seededLab(client: pg.Client): Promise<SeededLab> {
  const ids = async (table: string) =>
    (await client.query<{ id: string }>(`select id from ${table} order by code`)).rows.map((row) => row.id);
  const range = await client.query<{ from: Date; to: Date }>(
    'select min(created_at) as from, max(created_at) as to from samples',
  );
  return {
    projectIds: await ids('projects'),
    batchIds: await ids('batches'),
    containerIds: await ids('containers'),
    from: range.rows[0]!.from,
    to: range.rows[0]!.to,
  };
}
