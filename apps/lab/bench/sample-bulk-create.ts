import pg from 'pg';
import { type LabClient, type Latency, timeConcurrent, timeSequential } from './lab-client.ts';
import { type SeededLab, sampleTypes } from './sample-seeding.ts';

export interface BulkRun {
  sequential: Latency;
  concurrent: Latency;
  clients: number;
}

let batchNumber = 0;

/** 100 new samples as a client would send them: typed, boxed, in a project and batch, with metadata. */
function bulkBody(seeded: SeededLab, size: number) {
  batchNumber += 1;
  const project = batchNumber % seeded.projectIds.length;
  return Array.from({ length: size }, (_, i) => ({
    sample_id: `BULK-${String(batchNumber).padStart(4, '0')}-${String(i + 1).padStart(3, '0')}`,
    sample_type: sampleTypes[i % sampleTypes.length]!,
    quantity: 1.5,
    unit: 'mL',
    status: 'in_storage' as const,
    project_id: seeded.projectIds[project]!,
    batch_id: seeded.batchIds[project * 6 + 5]!,
    container_id: seeded.containerIds[(batchNumber + Math.floor(i / 81)) % seeded.containerIds.length]!,
    metadata: { visit: (i % 12) + 1, site: `site-${i % 17}`, collected_by: 'bench' },
  }));
}

/**
 * `POST /api/samples/bulk` with `size` samples (one transaction, one audit entry per sample):
 * `calls` one after another, then `clients` callers at once, `calls / clients` each.
 */
export async function measureBulkCreate(
  client: LabClient,
  adminUrl: string,
  seeded: SeededLab,
  options: { size: number; calls: number; clients: number },
): Promise<BulkRun> {
  const create = async () => {
    const created = await client.ok<unknown[]>(
      'POST',
      '/api/samples/bulk',
      bulkBody(seeded, options.size),
      201,
    );
    if (created.length !== options.size) throw new Error(`bulk create returned ${created.length} samples`);
  };
  await timeSequential(3, create);
  const sequential = await timeSequential(options.calls, create);
  const concurrent = await timeConcurrent(
    options.clients,
    Math.ceil(options.calls / options.clients),
    create,
  );
  await checkAudited(adminUrl, batchNumber * options.size);
  console.log(
    `bulk create of ${options.size}: alone p50 ${sequential.p50.toFixed(1)} / p99 ${sequential.p99.toFixed(1)} ms; ${options.clients} clients p50 ${concurrent.p50.toFixed(1)} / p99 ${concurrent.p99.toFixed(1)} ms`,
  );
  return { sequential, concurrent, clients: options.clients };
}

/** Every bulk-created sample is there with its own `sample.create` audit entry. */
async function checkAudited(adminUrl: string, expected: number): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ samples: number; audited: number }>(
      `select count(*)::int as samples, count(a.seq)::int as audited
       from samples s left join audit_entries a on a.entity_type = 'sample' and a.entity_id = s.id::text
         and a.action = 'sample.create'
       where s.sample_id like 'BULK-%'`,
    );
    const [row] = rows;
    if (row?.samples !== expected || row.audited !== expected) {
      throw new Error(
        `bulk create: ${row?.samples} samples and ${row?.audited} audit entries, want ${expected}`,
      );
    }
  } finally {
    await client.end();
  }
}
