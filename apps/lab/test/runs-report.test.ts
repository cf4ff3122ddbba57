import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunReportData, runReportPdf } from '../src/modules/runs/run-report.ts';
import { auditEntriesOf } from './support/audit-entries.ts';
import type { TestAccount } from './support/lab-app.ts';
import { useRunLab } from './support/run-fixtures.ts';

const { lab, accounts, api, definition, approvedWorkflow, device, runIn, newSample } = useRunLab(
  {},
  { admin: 'Ada Approver', scientist: 'Sam Scientist' },
);

/**
 * The lines a PDF of ours shows. pdfkit writes each line in the standard fonts as a TJ array of hex
 * strings (WinAnsi codes, split where it kerns) inside Flate-compressed content streams: inflate
 * those and join each array's strings. Enough for our own reports, not a general PDF reader.
 */
function pdfLines(pdf: Buffer): string[] {
  const lines: string[] = [];
  for (const stream of pdf.toString('latin1').matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(stream[1] ?? '', 'latin1')).toString('latin1');
    } catch {
      continue; // not a compressed content stream
    }
    for (const shown of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const parts = [...(shown[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)];
      lines.push(parts.map((part) => Buffer.from(part[1] ?? '', 'hex').toString('latin1')).join(''));
    }
  }
  return lines;
}

const report = (id: string, account: TestAccount) => api('GET', `/api/runs/${id}/report.pdf`, account);
const exportsOf = async (runId: string) =>
  (await auditEntriesOf(lab, runId)).filter((entry) => entry.action === 'run.report_exported');
const chainHead = () =>
  lab.db.kysely.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();

describe('GET /api/runs/:id/report.pdf', () => {
  let run: { id: string; snapshot_hash: string; steps: { step_id: string }[] };
  let workflow: string;
  let daq: { id: string; device_id: string };
  let sampleId: string;

  beforeAll(async () => {
    workflow = await approvedWorkflow(definition());
    daq = await device('sim-daq', {});
    const raman = await device('sim-raman', { acquisition_s: 0, growth_acquisitions: 5, seed: 3 });
    sampleId = (await newSample('XTAL-R')).sample_id;
    const created = await api('POST', '/api/runs', accounts.scientist, {
      workflow,
      parameters: { working_voltage: 4 },
      devices: { daq: daq.id, raman: raman.id },
      samples: [sampleId],
      reason: 'batch 12 crystallisation',
    });
    expect(created.statusCode).toBe(201);
    await runIn(created.json().id, ['waiting_for_approval']);
    const signed = await api('POST', `/api/runs/${created.json().id}/approvals/review`, accounts.admin, {
      password: accounts.admin.password,
      reason: 'peak and spectrum checked',
    });
    expect(signed.statusCode).toBe(200);
    run = await runIn(created.json().id, ['completed', 'failed', 'aborted']);
    expect(run).toMatchObject({ status: 'completed' });
  });

  it('answers a PDF attachment with the run, its hashes, devices, samples, steps, signature and the chain head', async () => {
    const version = (await api('GET', `/api/workflows/${workflow}/versions/1`, accounts.scientist)).json();
    const response = await report(run.id, accounts.scientist);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="run-${run.id}.pdf"`);
    expect(response.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const lines = pdfLines(response.rawPayload);
    const text = lines.join('\n');
    expect(text).toContain(`Workflow\n${workflow}\nVersion\n1\n`);
    expect(text).toContain(`Definition hash\n${version.definition_hash}\n`);
    expect(text).toContain(`Snapshot hash\n${run.snapshot_hash}\n`);
    expect(text).toContain(`Run id\n${run.id}\n`);
    expect(text).toContain(`Operator\nSam Scientist <${accounts.scientist.email}>\n`);
    expect(text).toContain('Status\ncompleted\n');
    expect(lines).toContain(daq.device_id);
    expect(lines).toContain(sampleId);
    expect(lines).toContain('working_voltage');
    for (const step of ['bias', 'record_peak', 'review', 'zero']) expect(lines).toContain(step);
    expect(text).toContain('Ada Approver\napproved\n');
    expect(text).toContain(`${run.steps.length} finished steps.`);

    const head = await chainHead();
    expect(text).toContain(`Chain head seq\n${head.seq}\nChain head hash\n${head.hash}\n`);
  });

  it('audits each export, and the entry it appends is the chain head the report prints', async () => {
    const before = await exportsOf(run.id);
    const first = await report(run.id, accounts.scientist);
    const second = await report(run.id, accounts.admin);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);

    const exported = await exportsOf(run.id);
    expect(exported).toHaveLength(before.length + 2);
    expect(exported.at(-1)?.after).toMatchObject({
      format: 'pdf',
      status: 'completed',
      snapshot_hash: run.snapshot_hash,
      steps: run.steps.length,
      steps_listed: run.steps.length,
      signatures: 1,
    });
    const [last] = await lab.db.kysely
      .selectFrom('audit_entries')
      .select(['seq', 'hash', 'actor_email', 'entity_type', 'entity_id'])
      .where('action', '=', 'run.report_exported')
      .orderBy('seq', 'desc')
      .limit(1)
      .execute();
    expect(last).toMatchObject({ actor_email: accounts.admin.email, entity_type: 'run', entity_id: run.id });
    expect(await chainHead()).toEqual({ seq: last?.seq, hash: last?.hash });
    const text = pdfLines(second.rawPayload).join('\n');
    expect(text).toContain(`Chain head seq\n${last?.seq}\nChain head hash\n${last?.hash}\n`);
    // The earlier export is in the trail the later report lists.
    expect(text).toContain('run.report_exported');
    expect(text).toContain('config_snapshot.create');
    expect(text).toContain('signature.create');
  });

  it('answers 404 for a run of another lab or an unknown run, 400 for a malformed id, 403 without runs:read, and audits none of them', async () => {
    const before = (await exportsOf(run.id)).length;
    const { account: elsewhere } = await lab.outsider(['scientist']);
    const foreign = await report(run.id, elsewhere);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('run_not_found');
    const unknown = await report('00000000-0000-4000-8000-0000000000ff', accounts.scientist);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('run_not_found');
    expect((await report('not-a-run', accounts.scientist)).statusCode).toBe(400);
    const nobody = await lab.user([]);
    const refused = await report(run.id, nobody);
    expect(refused.statusCode).toBe(403);
    expect((await exportsOf(run.id)).length).toBe(before);
  });

  it('lists the first and last 100 steps of a 1,000-step run, says how many it left out, and stays small', async () => {
    const long = await approvedWorkflow(
      definition((d) => {
        d.devices = {};
        d.on_abort = [];
        d.steps = [
          {
            id: 'count',
            type: 'loop',
            max_iterations: 1100,
            timeout_s: 600,
            until: 'false',
            steps: [{ id: 'tick', type: 'record', result: 'tick', value: 1 }],
          },
          { id: 'done', type: 'record', result: 'done', value: 1 },
        ];
      }),
    );
    const created = (
      await api('POST', '/api/runs', accounts.scientist, { workflow: long, devices: {} })
    ).json();
    const finished = await runIn(created.id, ['completed', 'failed', 'aborted'], 120);
    expect(finished.status).toBe('completed');
    const total: number = finished.steps.length;
    expect(total).toBeGreaterThan(1000);

    const response = await report(created.id, accounts.scientist);
    expect(response.statusCode).toBe(200);
    const lines = pdfLines(response.rawPayload);
    const left = total - 200;
    const shown = (n: number) => n.toLocaleString('en-GB');
    expect(lines).toContain(`... ${shown(left)} steps left out here (seq 101 to ${total - 100}) ...`);
    expect(lines.join(' ')).toContain(
      `${shown(total)} finished steps: the first 100 and the last 100 are listed; the ${shown(left)} between them are left out`,
    );
    const seqs = finished.steps.map((step: { seq: number }) => String(step.seq));
    expect(lines).toContain(seqs[0]);
    expect(lines).toContain(seqs[99]);
    expect(lines).not.toContain(seqs[100]);
    expect(lines).not.toContain(seqs[total - 101]);
    expect(lines).toContain(seqs[total - 100]);
    // The last step's id, wherever pdfkit breaks the row's text.
    expect(lines.join('\n')).toMatch(/\bdone\b/);
    expect(response.rawPayload.length).toBeLessThan(60_000);
    expect((await exportsOf(created.id)).at(-1)?.after).toMatchObject({ steps: total, steps_listed: 200 });
  }, 180_000);
});

describe('the run report renderer', () => {
  const data: RunReportData = {
    generated_at: '2026-12-05T10:00:00.123+00:00',
    generated_by: 'qa@lab.test',
    run: {
      id: '11111111-2222-4333-8444-555555555555',
      status: 'aborted',
      reason: null,
      parameters: { working_voltage: 4 },
      created_at: '2026-12-05T09:00:00.123456+00:00',
      started_at: '2026-12-05T09:00:01+00:00',
      finished_at: '2026-12-05T09:05:00+00:00',
      waiting_step: null,
      failed_step: null,
      error: null,
      abort_reason: 'wrong sample loaded → stopped',
      aborted_by: 'Sam Scientist <sam@lab.test>',
    },
    lab: { id: '00000000-0000-4000-8000-000000000001', code: 'MAIN', name: 'Main' },
    workflow: { name: 'crystallization-monitoring', version: 2, definition_hash: 'b'.repeat(64) },
    operator: 'Sam Scientist <sam@lab.test>',
    snapshot: { id: '22222222-2222-4333-8444-555555555555', hash: 'c'.repeat(64) },
    devices: [],
    samples: [],
    steps: {
      total: 1,
      first: [
        {
          seq: 1,
          step_id: 'bias',
          step_type: 'instrument',
          status: 'completed',
          outputs: { v: 'x'.repeat(300) },
        },
      ],
      last: [],
    },
    signatures: [],
    audit: [],
    head: { seq: 7, hash: 'd'.repeat(64) },
  };

  it('draws the same bytes from the same data, the creation date being the export time', async () => {
    const [one, two] = await Promise.all([runReportPdf(data), runReportPdf(data)]);
    expect(one.equals(two)).toBe(true);
    const later = await runReportPdf({ ...data, generated_at: '2026-12-05T10:00:01.000+00:00' });
    expect(one.equals(later)).toBe(false);
    expect(one.toString('latin1')).toContain('(D:20261205100000Z)');
  });

  it('names an abort with its reason and who aborted, in WinAnsi, and cuts long outputs', async () => {
    const lines = pdfLines(await runReportPdf(data));
    const text = lines.join('\n');
    expect(text).toContain('Status\naborted\nAbort reason\nwrong sample loaded ? stopped\n');
    expect(text).toContain('Aborted by\nSam Scientist <sam@lab.test>\n');
    const outputs = lines.filter((line) => line.startsWith('{"v":"x') || /^x+/.test(line));
    expect(outputs.join('')).toHaveLength(120);
    expect(outputs.join('').endsWith('...')).toBe(true);
  });

  it('lists the first and last 100 audit entries of a long trail and counts the rest', async () => {
    const audit = Array.from({ length: 250 }, (_, index) => ({
      seq: index + 1,
      occurred_at: '2026-12-05T10:00:00+00:00',
      action: 'run.report_exported',
      actor_email: 'qa@lab.test',
      hash: 'e'.repeat(64),
    }));
    const lines = pdfLines(await runReportPdf({ ...data, audit }));
    expect(lines).toContain('... 50 entries left out here (GET /api/compliance/audit lists them all) ...');
    expect(lines).toContain('100');
    expect(lines).not.toContain('101');
    expect(lines).not.toContain('150');
    expect(lines).toContain('151');
  });
});
