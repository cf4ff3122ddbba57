import PDFDocument from 'pdfkit';
import {
  contentWidth,
  type LayoutWriter,
  layoutWriter,
  page,
  type Row,
  winAnsi,
} from './run-report-layout.ts';

export interface ReportStep {
  seq: number;
  step_id: string;
  step_type: string;
  status: string;
  outputs: Record<string, unknown>;
}

/** Everything a run report shows, gathered in one transaction (see run-report.service.ts). */
export interface RunReportData {
  /** When the report was produced: its audit entry's time, also the PDF's creation date. */
  generated_at: string;
  generated_by: string;
  run: {
    id: string;
    status: string;
    reason: string | null;
    parameters: Record<string, unknown>;
    created_at: string;
    started_at: string | null;
    finished_at: string | null;
    waiting_step: string | null;
    failed_step: string | null;
    error: string | null;
    abort_reason: string | null;
    /** Who aborted it, as "name <email>". */
    aborted_by: string | null;
  };
  lab: { id: string; code: string; name: string };
  workflow: { name: string; version: number; definition_hash: string };
  /** "name <email>" */
  operator: string;
  snapshot: { id: string; hash: string };
  /** As bound when the run was created (the configuration snapshot). */
  devices: {
    role: string;
    device_id: string;
    name: string;
    driver: string;
    calibration_state: string;
    last_calibrated_at: string | null;
    next_calibration_due: string | null;
  }[];
  samples: { sample_id: string }[];
  /** How many steps finished, the first few and the last few (all of them when few). */
  steps: { total: number; first: ReportStep[]; last: ReportStep[] };
  signatures: { printed_name: string; meaning: string; reason: string | null; signed_at: string }[];
  audit: { seq: number; occurred_at: string; action: string; actor_email: string | null; hash: string }[];
  /** The chain's head once the report's own entry is appended: that entry. */
  head: { seq: number; hash: string };
}

/** A step's outputs are shown as compact JSON cut to this many characters. */
export const summaryLength = 120;

const when = (at: string | null) =>
  at
    ? at
        .replace('T', ' ')
        .replace(/(\.\d{3})\d*/, '$1')
        .replace(/(\+00(:00)?|Z)$/, ' UTC')
    : '-';
const day = (at: string | null) => (at ? at.slice(0, 10) : '-');
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const ended = ['completed', 'failed', 'aborted'];
/** Audit entries listed from each end of a long trail (a run exported a thousand times, say). */
export const auditEdge = 100;

/** A step's outputs as one short line of JSON. */
export function outputSummary(outputs: Record<string, unknown>): string {
  const json = JSON.stringify(outputs);
  if (json === '{}') return '-';
  return json.length <= summaryLength ? json : `${json.slice(0, summaryLength - 3)}...`;
}

function runSection(out: LayoutWriter, data: RunReportData) {
  const { run } = data;
  out.heading('Run');
  out.field('Run id', run.id, true);
  out.field('Lab', `${data.lab.code} - ${data.lab.name} (${data.lab.id})`);
  out.field('Workflow', data.workflow.name);
  out.field('Version', String(data.workflow.version));
  out.field('Definition hash', data.workflow.definition_hash, true);
  out.field('Operator', data.operator);
  out.field('Reason', run.reason ?? '-');
  out.field('Created', when(run.created_at));
  out.field('Started', when(run.started_at));
  out.field('Finished', when(run.finished_at));
  out.field('Status', run.status);
  if (run.waiting_step) out.field('Waiting at step', run.waiting_step);
  if (run.failed_step) out.field('Failed step', run.failed_step, true);
  if (run.error) out.field('Error', run.error);
  if (run.abort_reason) out.field('Abort reason', run.abort_reason);
  if (run.aborted_by) out.field('Aborted by', run.aborted_by);
  if (!ended.includes(run.status)) {
    out.paragraph(
      'The run had not ended when this report was produced: it shows the run as it stood then.',
      'Helvetica-Oblique',
    );
  }
  out.heading('Parameters');
  const parameters = Object.entries(run.parameters).sort(([a], [b]) => (a < b ? -1 : 1));
  if (parameters.length === 0) out.paragraph('None.');
  else
    out.table(
      [
        { header: 'Name', width: 150 },
        { header: 'Value', width: contentWidth - 150, lines: 3 },
      ],
      parameters.map(([name, value]) => [name, JSON.stringify(value) ?? 'null']),
    );
}

function configurationSection(out: LayoutWriter, data: RunReportData) {
  out.heading('Configuration snapshot and devices');
  out.field('Snapshot hash', data.snapshot.hash, true);
  out.field('Snapshot id', data.snapshot.id, true);
  out.space(4);
  if (data.devices.length === 0) out.paragraph('No devices were bound.');
  else
    out.table(
      [
        { header: 'Role', width: 60 },
        { header: 'Device', width: 95 },
        { header: 'Name', width: 85 },
        { header: 'Driver', width: 60 },
        { header: 'Calibration', width: 55 },
        { header: 'Last calibrated', width: 80 },
        { header: 'Next due', width: contentWidth - 435 },
      ],
      data.devices.map((d) => [
        d.role,
        d.device_id,
        d.name,
        d.driver,
        d.calibration_state,
        day(d.last_calibrated_at),
        day(d.next_calibration_due),
      ]),
    );
  out.paragraph('Devices and their calibration as bound when the run was created.', 'Helvetica-Oblique');
  out.heading('Samples');
  out.paragraph(
    data.samples.length === 0 ? 'No samples were linked.' : data.samples.map((s) => s.sample_id).join(', '),
  );
}

function stepsSection(out: LayoutWriter, steps: RunReportData['steps']) {
  out.heading('Steps');
  const listed = steps.first.length + steps.last.length;
  const left = steps.total - listed;
  const cut = `Outputs are compact JSON cut to ${summaryLength} characters.`;
  out.paragraph(
    left > 0
      ? `${count(steps.total)} finished steps: the first ${steps.first.length} and the last ${steps.last.length} are listed; the ${count(left)} between them are left out to keep this report small (GET /api/runs/{id} lists every step). ${cut}`
      : `${count(steps.total)} finished steps. ${cut}`,
  );
  if (steps.total === 0) return;
  out.space(4);
  const row = (step: ReportStep) => [
    String(step.seq),
    step.step_id,
    step.step_type,
    step.status,
    outputSummary(step.outputs),
  ];
  const from = (steps.first.at(-1)?.seq ?? 0) + 1;
  const to = (steps.last[0]?.seq ?? from) - 1;
  const gap: Row[] =
    left > 0 ? [{ gap: `... ${count(left)} steps left out here (seq ${from} to ${to}) ...` }] : [];
  out.table(
    [
      { header: 'Seq', width: 35 },
      { header: 'Step', width: 95 },
      { header: 'Type', width: 55 },
      { header: 'Status', width: 50 },
      { header: 'Outputs', width: contentWidth - 235, mono: true, lines: 2 },
    ],
    [...steps.first.map(row), ...gap, ...steps.last.map(row)],
  );
}

function recordSection(out: LayoutWriter, data: RunReportData) {
  out.heading('Electronic signatures');
  if (data.signatures.length === 0) out.paragraph('None.');
  else
    out.table(
      [
        { header: 'Signer', width: 120 },
        { header: 'Meaning', width: 60 },
        { header: 'Signed at', width: 110 },
        { header: 'Reason', width: contentWidth - 290, lines: 3 },
      ],
      data.signatures.map((s) => [s.printed_name, s.meaning, when(s.signed_at), s.reason ?? '-']),
    );
  out.heading('Audit trail');
  const left = data.audit.length - 2 * auditEdge;
  const entry = (e: RunReportData['audit'][number]) => [
    String(e.seq),
    when(e.occurred_at),
    e.action,
    e.actor_email ?? '-',
    `${e.hash.slice(0, 16)}...`,
  ];
  const rows: Row[] =
    left > 0
      ? [
          ...data.audit.slice(0, auditEdge).map(entry),
          { gap: `... ${count(left)} entries left out here (GET /api/compliance/audit lists them all) ...` },
          ...data.audit.slice(-auditEdge).map(entry),
        ]
      : data.audit.map(entry);
  out.paragraph('The entries about the run and its configuration snapshot, oldest first.');
  out.space(4);
  out.table(
    [
      { header: 'Seq', width: 35 },
      { header: 'Time', width: 115 },
      { header: 'Action', width: 125 },
      { header: 'Actor', width: 135 },
      { header: 'Entry hash', width: contentWidth - 410, mono: true },
    ],
    rows,
  );
  out.keep(5);
  out.field('Chain head seq', String(data.head.seq));
  out.field('Chain head hash', data.head.hash, true);
  out.paragraph(
    `The head is this report's own entry (run.report_exported), appended in the transaction that read everything above; produced ${when(data.generated_at)} by ${data.generated_by}.`,
    'Helvetica-Oblique',
  );
}

/**
 * A run's report as a PDF: A4, the standard fonts (nothing embedded), an outline entry a section,
 * numbered pages. A pure function of `data`: the creation date is the report's own audit time, and
 * pdfkit derives the file id from the document info, so the same data gives the same bytes.
 */
export function runReportPdf(data: RunReportData): Promise<Buffer> {
  const doc = new PDFDocument({
    size: [page.width, page.height],
    margin: 0,
    bufferPages: true,
    info: {
      Title: winAnsi(`Run report ${data.run.id}`),
      Subject: winAnsi(`${data.workflow.name} v${data.workflow.version}`),
      Author: winAnsi(data.generated_by),
      Producer: 'POLYMORPH-LITE',
      Creator: 'POLYMORPH-LITE',
      CreationDate: new Date(data.generated_at),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const out = layoutWriter(doc);
  out.title(`Run report: ${data.workflow.name} v${data.workflow.version}`);
  runSection(out, data);
  configurationSection(out, data);
  stepsSection(out, data.steps);
  recordSection(out, data);
  const name = `${data.workflow.name} v${data.workflow.version}`;
  out.footers((at, of) => `Run ${data.run.id} - ${name} - page ${at} of ${of}`);
  doc.end();
  return done;
}
