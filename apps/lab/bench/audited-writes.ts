import { sql } from 'kysely';
import pg from 'pg';
import type { LabDatabase, LabExecutor } from '../src/db/lab-database.ts';
import { createAuditTrail } from '../src/modules/audit/audit-trail.ts';
import { benchMacKey } from './audit-chain.ts';

const audit = createAuditTrail(benchMacKey);

const sampleCount = 10_000;
const locations = [
  'Freezer A / Rack 2 / Box 7',
  'Freezer B / Rack 1 / Box 3',
  'Bench 4',
  'Cold room shelf 2',
];

/** The regulated record the benchmark changes: a sample's quantity, status and location. */
export async function seedSamples(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`
      create table bench_samples (
        id int primary key,
        barcode text not null unique,
        quantity numeric(12, 3) not null check (quantity >= 0),
        unit text not null,
        status text not null,
        location text not null,
        version int not null,
        updated_at timestamptz not null default now()
      );
      insert into bench_samples (id, barcode, quantity, unit, status, location, version)
        select i, 'S-' || lpad(i::text, 6, '0'), 1000000, 'uL', 'available', 'Freezer A / Rack 1 / Box 1', 1
        from generate_series(1, ${sampleCount}) i;
      grant select, update on bench_samples to lab_app;
      analyze bench_samples;`);
  } finally {
    await client.end();
  }
}

interface Change {
  barcode: string;
  unit: string;
  old_quantity: number;
  old_status: string;
  old_location: string;
  old_version: number;
  quantity: number;
  status: string;
  location: string;
  version: number;
}

/** One aliquot taken: the row is locked, changed and its before/after returned in one statement. */
async function takeAliquot(tx: LabExecutor, id: number, location: string): Promise<Change[]> {
  // bench_samples is the benchmark's own table, outside the lab's schema: raw SQL, typed here.
  const { rows } = await sql<Change>`with before as (select * from bench_samples where id = ${id} for update)
        update bench_samples s
        set quantity = before.quantity - 12.5, status = 'in_use', location = ${location},
          version = before.version + 1, updated_at = now()
        from before where s.id = before.id
        returning s.barcode, s.unit, before.quantity as old_quantity, before.status as old_status,
          before.location as old_location, before.version as old_version, s.quantity, s.status, s.location,
          s.version`.execute(tx);
  return rows;
}

/** The write itself, audited or not, in one transaction as the runtime role. */
async function write(db: LabDatabase, audited: boolean, n: number): Promise<void> {
  const id = 1 + Math.floor(Math.random() * sampleCount);
  await db.transaction(async (tx) => {
    const [change] = await takeAliquot(tx, id, locations[n % locations.length]!);
    if (!change) throw new Error(`sample ${id} is missing`);
    if (!audited) return;
    await audit.append(tx, {
      actor_id: '6f1c1a4e-2a51-4c5e-9d3c-6a0b6c9f6d11',
      actor_email: 'scientist@lab.test',
      action: 'sample.update',
      entity_type: 'sample',
      entity_id: change.barcode,
      before: {
        quantity: change.old_quantity,
        unit: change.unit,
        status: change.old_status,
        location: change.old_location,
        version: change.old_version,
      },
      after: {
        quantity: change.quantity,
        unit: change.unit,
        status: change.status,
        location: change.location,
        version: change.version,
      },
      reason: 'aliquot taken for assay',
      request_id: `bench-${n}`,
      client_ip: '192.0.2.10',
    });
  });
}

export interface WriteRun {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  count: number;
}

/** `clients` concurrent writers for `seconds`; every write started before the deadline is counted. */
export async function measureWrites(
  db: LabDatabase,
  audited: boolean,
  clients: number,
  seconds: number,
): Promise<WriteRun> {
  const latencies: number[] = [];
  let n = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const at = performance.now();
        await write(db, audited, n++);
        latencies.push(performance.now() - at);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { perSecond: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), count: latencies.length };
}
