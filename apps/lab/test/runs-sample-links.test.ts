import { describe, expect, it } from 'vitest';
import { linkLegacySampleAssignments } from '../src/modules/runs/legacy-sample-links.service.ts';
import { auditEntriesOf } from './support/audit-entries.ts';
import { useRunLab } from './support/run-fixtures.ts';
import { asSuperuser } from './support/superuser.ts';

const { lab, accounts, api, runIn, newSample, startedRun } = useRunLab();

/** A run left waiting at its approval step (it has not ended). */
async function waitingRun() {
  const { id } = await startedRun();
  await runIn(id, ['waiting_for_approval']);
  return id;
}

describe('samples linked to runs', () => {
  it('links a sample to a run under way, audited on both; refuses twice, ended runs, and spent samples', async () => {
    const run = await waitingRun();
    const sample = await newSample('LINK');
    const linked = await api('POST', `/api/samples/${sample.sample_id}/assign-workflow`, accounts.scientist, {
      workflow_execution_id: run,
      reason: 'second aliquot joins the batch',
    });
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toMatchObject({ id: sample.id, runs: [expect.objectContaining({ id: run })] });
    expect((await api('GET', `/api/samples/${sample.id}/runs`, accounts.scientist)).json().runs[0].id).toBe(
      run,
    );
    const sampleEntry = (await auditEntriesOf(lab, sample.id)).at(-1);
    expect(sampleEntry).toMatchObject({
      action: 'sample.assign_workflow',
      after: { run_id: run, sample_id: sample.id },
      reason: 'second aliquot joins the batch',
    });
    expect((await auditEntriesOf(lab, run)).map((entry) => entry.action)).toContain('run.sample_assign');

    const twice = await api('POST', `/api/samples/${sample.id}/assign-workflow`, accounts.scientist, {
      workflow_execution_id: run,
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('sample_already_assigned');

    await api('POST', `/api/runs/${run}/abort`, accounts.scientist, { reason: 'done with it' });
    const ended = await api(
      'POST',
      `/api/samples/${(await newSample('LINK')).id}/assign-workflow`,
      accounts.scientist,
      {
        workflow_execution_id: run,
      },
    );
    expect(ended.statusCode).toBe(409);
    expect(ended.json().error.code).toBe('run_finished');
  });

  it('turns a pre-upgrade workflow_execution_id that names a real run into an audited link, once', async () => {
    const run = await waitingRun();
    const [named, dangling] = [await newSample('LINK'), await newSample('LINK')];
    // As a database from before this release holds them: one value naming a run, one naming nothing.
    await asSuperuser(
      lab.db,
      `set session_replication_role = replica;
       update samples set legacy_workflow_execution_id = '${run}' where id = '${named.id}';
       update samples set legacy_workflow_execution_id = '00000000-0000-4000-8000-000000000abc' where id = '${dangling.id}';
       set session_replication_role = origin`,
    );
    expect(await linkLegacySampleAssignments(lab.ctx)).toBe(1);
    expect(await linkLegacySampleAssignments(lab.ctx)).toBe(0);
    const runs = (await api('GET', `/api/samples/${named.id}/runs`, accounts.scientist)).json().runs;
    expect(runs.map((found: { id: string }) => found.id)).toEqual([run]);
    expect((await api('GET', `/api/samples/${dangling.id}/runs`, accounts.scientist)).json().runs).toEqual(
      [],
    );
    expect((await auditEntriesOf(lab, named.id)).at(-1)).toMatchObject({
      action: 'sample.assign_workflow',
      reason: 'migrated from samples.workflow_execution_id (issue 10)',
    });
    // The old value is kept for the record, and nobody may change it.
    await expect(
      asSuperuser(lab.db, `update samples set legacy_workflow_execution_id = null where id = '${named.id}'`),
    ).rejects.toThrow(/read-only/);
    await api('POST', `/api/runs/${run}/abort`, accounts.scientist, { reason: 'test over' });
  });
});
