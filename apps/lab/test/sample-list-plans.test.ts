import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SampleFilter, sampleListStatement } from '../src/modules/samples/sample-list.repository.ts';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { bearer, type LabTestApp, type TestAccount, useLabApp } from './support/lab-app.ts';
import { type PlanNode, readPlan } from './support/query-plans.ts';
import { asSuperuser } from './support/superuser.ts';

const bulk = 30_000;
const day = 86_400_000;
// The bulk load's samples were created one a minute up to an hour ago; the old ones a year before.
const newest = Date.now() - 3_600_000;
const projects = [randomUUID(), randomUUID()];
const batches = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

/**
 * The plan of the list statement as a page request runs it (EXPLAIN ANALYZE): as the runtime role
 * in `labs`' scope, the scope's only lab passed on, sorting off unless the filter has an id prefix.
 */
async function planOf(lab: LabTestApp, labs: string[], filter: SampleFilter): Promise<PlanNode[]> {
  const rows = await inLabs(lab.db, labs, async (tx) => {
    if (!filter.q) await sql`select set_config('enable_sort', 'off', true)`.execute(tx);
    const statement = sampleListStatement(filter, undefined, 21, labs.length === 1 ? labs[0] : undefined);
    return (await sql<{ 'QUERY PLAN': unknown }>`explain (analyze, format json) ${statement}`.execute(tx))
      .rows;
  });
  return readPlan(rows[0]?.['QUERY PLAN']);
}

/** Every read of the samples table: an index scan on one of `indexes`, reading at most `rows` rows. */
function expectIndexScan(plan: PlanNode[], indexes: string[], rows: number): void {
  const scans = plan.filter((node) => node['Relation Name'] === 'samples');
  if (process.env.PLAN_DEBUG) console.log(JSON.stringify(plan[0], null, 1));
  expect(scans.length).toBeGreaterThan(0);
  for (const scan of scans) {
    expect(scan['Node Type']).toBe('Index Scan');
    expect(indexes).toContain(scan['Index Name']);
    const read =
      ((scan['Actual Rows'] ?? 0) + (scan['Rows Removed by Filter'] ?? 0)) * (scan['Actual Loops'] ?? 1);
    expect(read).toBeLessThanOrEqual(rows);
  }
}

/** The page comes in index order: no sort of the samples below the page's limit. */
function expectNoSortOfSamples(plan: PlanNode[]): void {
  const sorts = plan.filter((node) => node['Node Type'] === 'Sort');
  for (const sort of sorts) {
    // A sort above the per-lab pages (the multi-lab merge) sorts at most a page per lab.
    expect(sort['Actual Rows'] ?? 0).toBeLessThanOrEqual(21 * 2);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The list's plans after a bulk load of `bulk` samples with autovacuum off: either never analysed,
 * or analysed once when the table held 200 old samples (statistics that describe another table).
 */
function describePlans(title: string, analysedWhenSmall: boolean): void {
  describe(title, () => {
    const lab = useLabApp();
    beforeAll(async () => {
      const creator = (await lab.user(['scientist'])).id;
      const organisers = `
      insert into projects (id, lab_id, code, name, created_by) values
        ('${projects[0]}', '${defaultLabId}', 'PLAN-P1', 'Plan project 1', '${creator}'),
        ('${projects[1]}', '${defaultLabId}', 'PLAN-P2', 'Plan project 2', '${creator}');
      insert into batches (id, lab_id, code, project_id, created_by)
        select b.id, '${defaultLabId}', 'PLAN-B' || b.n, ('{${projects.join(',')}}'::uuid[])[1 + b.n % 2], '${creator}'
        from unnest('{${batches.join(',')}}'::uuid[]) with ordinality as b(id, n);`;
      // Restore-style load (no audit trail for synthetic rows): `replica` skips the coverage triggers.
      const load = (from: number, to: number, newestMs: number) => `
      insert into samples (lab_id, sample_id, sample_type, status, quantity, unit, project_id, batch_id,
        created_by, created_at, updated_at)
      select '${defaultLabId}', 'PL' || lpad(i::text, 6, '0'),
        (array['plasma','serum','dna','rna','urine'])[1 + i % 5],
        (array['in_storage','in_storage','consumed','received'])[1 + i % 4], 1, 'mL',
        ('{${projects.join(',')}}'::uuid[])[1 + i % 2],
        ('{${batches.join(',')}}'::uuid[])[1 + (i * 4) / (${to} + 1)],
        '${creator}', t, t
      from generate_series(${from}, ${to}) i,
        lateral (select timestamptz '${iso(newestMs)}' - (${to} - i) * interval '1 minute' as t) ts`;
      await asSuperuser(
        lab.db,
        `begin; set local session_replication_role = replica; ${organisers} ${load(1, 200, newest - 365 * day)}; commit;
       ${analysedWhenSmall ? 'analyze public.samples;' : ''}
       alter table public.samples set (autovacuum_enabled = off);
       begin; set local session_replication_role = replica; ${load(201, 200 + bulk, newest)}; commit;`,
      );
    });

    it('keeps the first page on the lab index, newest first', async () => {
      const plan = await planOf(lab, [defaultLabId], {});
      expectIndexScan(plan, ['samples_with_deleted_list_idx'], 100);
      expectNoSortOfSamples(plan);
    });

    it('keeps status + project on an ordered index', async () => {
      // Every consumed sample of the load is in the first project (i % 4 = 2 is even).
      const plan = await planOf(lab, [defaultLabId], {
        status: 'consumed',
        project_id: projects[0],
      });
      expectIndexScan(plan, ['samples_project_idx'], 500);
      expectNoSortOfSamples(plan);
    });

    it('keeps type + a 30-day window on an ordered index, also far from the newest samples', async () => {
      for (const daysAgo of [30, 15]) {
        const to = newest - daysAgo * day + 10 * day;
        const filter = {
          sample_type: 'dna',
          created_from: iso(to - 30 * day),
          created_to: iso(to),
        };
        const plan = await planOf(lab, [defaultLabId], filter);
        expectIndexScan(plan, ['samples_type_idx', 'samples_with_deleted_list_idx'], 500);
        expectNoSortOfSamples(plan);
      }
    });

    it('keeps a 30-day creation window alone on the lab index', async () => {
      const to = newest - 10 * day;
      const filter = { created_from: iso(to - 30 * day), created_to: iso(to) };
      const plan = await planOf(lab, [defaultLabId], filter);
      expectIndexScan(plan, ['samples_with_deleted_list_idx'], 100);
      expectNoSortOfSamples(plan);
    });

    it('reads only the matching ids for a business-id prefix', async () => {
      // PL012... matches 1,000 of the bulk load's ids.
      const plan = await planOf(lab, [defaultLabId], { q: 'PL012' });
      expectIndexScan(plan, ['samples_business_id_prefix_idx', 'samples_lab_id_sample_id_key'], 1_000);
    });

    it('keeps a batch on its index', async () => {
      const plan = await planOf(lab, [defaultLabId], { batch_id: batches[2] });
      expectIndexScan(plan, ['samples_batch_idx'], 100);
      expectNoSortOfSamples(plan);
    });

    it('walks each lab on its index when the caller has several', async () => {
      const other = (await lab.ctx.db.kysely.selectFrom('labs').select('id').execute()).map((row) => row.id);
      const plan = await planOf(lab, [...new Set([defaultLabId, ...other])], {});
      expectIndexScan(plan, ['samples_with_deleted_list_idx'], 100);
      expectNoSortOfSamples(plan);
    });
  });
}

describePlans('sample list plans after a bulk load, never analysed, autovacuum off', false);
describePlans('sample list plans after a bulk load, statistics from a small table, autovacuum off', true);

describe('sample list of a caller in several labs', () => {
  const lab = useLabApp();
  let both: TestAccount;
  let northId: string;
  const api = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    lab.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    const admin = await lab.user(['admin']);
    const created = await api('POST', '/api/admin/labs', admin.token, { code: 'LISTNORTH', name: 'North' });
    expect(created.statusCode).toBe(201);
    northId = created.json().id;
    const user = await lab.user(['scientist']);
    const joined = await api('POST', `/api/admin/users/${user.id}/labs`, admin.token, { lab_id: northId });
    expect(joined.statusCode).toBeLessThan(300);
    // A token issued after joining carries the new membership (the principal is read per request).
    both = { ...user, token: (await lab.login(user.email)).access_token };
  });

  it('pages through both labs newest first, each sample once, and narrows to one lab on request', async () => {
    const mine: string[] = [];
    for (const [n, labId] of [defaultLabId, northId, defaultLabId, northId, northId].entries()) {
      const sampleId = `MULTI-${randomUUID().slice(0, 8)}-${n}`;
      const reply = await api('POST', '/api/samples', both.token, {
        sample_id: sampleId,
        sample_type: 'multilab',
        quantity: 1,
        unit: 'mL',
        lab_id: labId,
      });
      expect(reply.statusCode).toBe(201);
      mine.push(sampleId);
    }
    const seen: { sample_id: string; lab_id: string; created_at: string }[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/samples?sample_type=multilab&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await api('GET', query, both.token)).json();
      seen.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.map((sample) => sample.sample_id)).toEqual([...mine].reverse());
    const north = (
      await api('GET', `/api/samples?sample_type=multilab&lab_id=${northId}`, both.token)
    ).json();
    expect(north.items.map((sample: { sample_id: string }) => sample.sample_id)).toEqual([
      mine[4],
      mine[3],
      mine[1],
    ]);
  });
});
