import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { auditEntriesOf } from './support/audit-entries.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let admin: TestAccount;
let scientist: TestAccount;
let compliance: TestAccount;
let sequence = 0;

const demoPath = new URL('../src/modules/workflows/demo/crystallization-monitoring.json', import.meta.url);
/** The demo definition under a fresh name, so each test has its own workflow. */
function definition(edit: (d: ReturnType<typeof JSON.parse>) => void = () => {}) {
  const document = JSON.parse(readFileSync(demoPath, 'utf8'));
  document.name = `wf-${Date.now().toString(36)}-${++sequence}`;
  edit(document);
  return document;
}

type Method = 'GET' | 'POST' | 'PUT';
const api = (method: Method, url: string, account: TestAccount, payload?: unknown) =>
  lab.app.inject({
    method,
    url,
    headers: bearer(account.token),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

/** A workflow whose version 1 is submitted, by the scientist. */
async function submitted() {
  const created = await api('POST', '/api/workflows', scientist, { definition: definition() });
  expect(created.statusCode).toBe(201);
  const { workflow } = created.json();
  const submit = await api('POST', `/api/workflows/${workflow}/versions/1/submit`, scientist, {});
  expect(submit.json()).toMatchObject({ status: 'submitted' });
  return { name: workflow as string, id: created.json().id as string };
}

const approve = (
  name: string,
  version: number,
  account: TestAccount,
  overrides: Record<string, unknown> = {},
) =>
  api('POST', `/api/workflows/${name}/versions/${version}/approve`, account, {
    password: account.password,
    reason: 'Reviewed against SOP-12',
    ...overrides,
  });

beforeAll(async () => {
  admin = await lab.user(['admin']);
  scientist = await lab.user(['scientist']);
  compliance = await lab.user(['compliance']);
});

describe('workflow definitions', () => {
  it('publishes the definition format as JSON Schema', async () => {
    const schema = (await api('GET', '/api/workflows/schema', compliance)).json();
    expect(schema.$ref).toBe('Definition');
    expect(Object.keys(schema.$defs)).toEqual(['Step', 'Definition']);
  });

  it('creates a workflow with version 1 as a draft, audited, from JSON or YAML alike', async () => {
    const document = definition();
    const created = await api('POST', '/api/workflows', scientist, {
      definition: document,
      reason: 'new method',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      workflow: document.name,
      version: 1,
      status: 'draft',
      author_id: scientist.id,
      definition: document,
    });
    expect(created.json().definition_hash).toMatch(/^[0-9a-f]{64}$/);
    const entries = await auditEntriesOf(lab, created.json().id);
    expect(entries.map((entry) => entry.action)).toEqual(['workflow_version.create']);

    const yaml = definition();
    const text = `name: ${yaml.name}\ndevices:\n  daq: { kind: daq }\nsteps:\n  - { id: zero, type: instrument, role: daq, action: set_voltage, args: { channel: 0, voltage: 0 } }\n`;
    const fromYaml = await api('POST', '/api/workflows', scientist, { definition_yaml: text });
    expect(fromYaml.statusCode).toBe(201);
    expect(fromYaml.json().definition.steps[0]).toEqual({
      id: 'zero',
      type: 'instrument',
      role: 'daq',
      action: 'set_voltage',
      args: { channel: 0, voltage: 0 },
    });
  });

  it('refuses an invalid definition with 400, listing every problem with its path', async () => {
    const response = await api('POST', '/api/workflows', scientist, {
      definition: definition((d) => {
        d.steps[6].args.voltage = 12;
        d.steps[3].until = 'steps.nope.x > 1';
      }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'invalid_definition',
      details: [
        { path: '/steps/3/until', code: 'invalid_expression' },
        {
          path: '/steps/6/args/voltage',
          code: 'argument_out_of_range',
          message: 'voltage is 12 V, above the maximum 10 V',
        },
      ],
    });
    const yaml = await api('POST', '/api/workflows', scientist, { definition_yaml: 'name: [unclosed' });
    expect(yaml.json().error.code).toBe('invalid_yaml');
    const both = await api('POST', '/api/workflows', scientist, {});
    expect(both.json().error.code).toBe('definition_required');
  });

  it('refuses a second workflow of the same name in the lab', async () => {
    const document = definition();
    expect((await api('POST', '/api/workflows', scientist, { definition: document })).statusCode).toBe(201);
    const again = await api('POST', '/api/workflows', scientist, { definition: document });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('workflow_exists');
  });
});

describe('versions', () => {
  it('edits a draft with a reason, adds numbered versions, and never changes a submitted one', async () => {
    const document = definition();
    await api('POST', '/api/workflows', scientist, { definition: document });
    const changed = { ...document, description: 'tighter threshold' };
    const edit = await api('PUT', `/api/workflows/${document.name}/versions/1`, scientist, {
      definition: changed,
      reason: 'threshold per SOP rev B',
    });
    expect(edit.statusCode).toBe(200);
    expect(edit.json().definition.description).toBe('tighter threshold');

    const second = await api('POST', `/api/workflows/${document.name}/versions`, scientist, {
      definition: document,
    });
    expect(second.json()).toMatchObject({ version: 2, status: 'draft' });
    const renamed = await api('POST', `/api/workflows/${document.name}/versions`, scientist, {
      definition: { ...document, name: 'something-else' },
    });
    expect(renamed.json().error.code).toBe('name_mismatch');

    await api('POST', `/api/workflows/${document.name}/versions/1/submit`, scientist, {});
    const late = await api('PUT', `/api/workflows/${document.name}/versions/1`, scientist, {
      definition: document,
      reason: 'one more change',
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('version_not_draft');

    const detail = (await api('GET', `/api/workflows/${document.name}`, compliance)).json();
    expect(detail.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'draft'],
      [1, 'submitted'],
    ]);
  });

  it('is approved by electronic signature of someone other than its author, and then locked', async () => {
    const { name, id } = await submitted();
    const own = await approve(name, 1, scientist);
    // The scientist holds no workflows:approve; an admin who authored a version cannot approve it either.
    expect(own.statusCode).toBe(403);

    const wrongPassword = await approve(name, 1, admin, { password: 'not-the-password-1A!' });
    expect(wrongPassword.statusCode).toBe(401);

    const approved = await approve(name, 1, admin);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', approved_by: admin.id });
    const signature = (
      await api('GET', `/api/signatures/${approved.json().approval_signature_id}/verify`, admin)
    ).json();
    expect(signature).toMatchObject({ signature_valid: true, record_unchanged: true });
    expect((await auditEntriesOf(lab, id)).map((entry) => entry.action)).toEqual([
      'workflow_version.create',
      'workflow_version.submit',
      'signature.create',
      'workflow_version.approve',
    ]);

    const listed = (await api('GET', '/api/workflows?limit=100', compliance)).json();
    expect(listed.items.find((item: { name: string }) => item.name === name)).toMatchObject({
      latest_version: 1,
      approved_version: 1,
    });

    // Locked: the service refuses, and so does the database, even for a raw write as the app role.
    const edit = await api('PUT', `/api/workflows/${name}/versions/1`, scientist, {
      definition: definition((d) => (d.name = name)),
      reason: 'sneaky',
    });
    expect(edit.json().error.code).toBe('version_not_draft');
    await expect(
      inLabs(lab.db, [defaultLabId], (tx) =>
        sql`update workflow_versions set definition_hash = ${'0'.repeat(64)} where id = ${id}`.execute(tx),
      ),
    ).rejects.toThrow(/locked/);
  });

  it('refuses self-approval with 409 self_approval', async () => {
    const document = definition();
    await api('POST', '/api/workflows', admin, { definition: document });
    await api('POST', `/api/workflows/${document.name}/versions/1/submit`, admin, {});
    const response = await approve(document.name, 1, admin);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('self_approval');
  });

  it('refuses approving a draft, and retires an approved version with a reason', async () => {
    const document = definition();
    await api('POST', '/api/workflows', scientist, { definition: document });
    expect((await approve(document.name, 1, admin)).json().error.code).toBe('version_not_submitted');
    await api('POST', `/api/workflows/${document.name}/versions/1/submit`, scientist, {});
    await approve(document.name, 1, admin);
    const retired = await api('POST', `/api/workflows/${document.name}/versions/1/retire`, admin, {
      reason: 'superseded by rev C',
    });
    expect(retired.json()).toMatchObject({ status: 'retired', retired_by: admin.id });
    const again = await api('POST', `/api/workflows/${document.name}/versions/1/retire`, admin, {
      reason: 'twice',
    });
    expect(again.json().error.code).toBe('version_not_approved');
  });

  it('answers 404 for an unknown workflow or version', async () => {
    expect((await api('GET', '/api/workflows/no-such-flow', compliance)).json().error.code).toBe(
      'workflow_not_found',
    );
    const { name } = await submitted();
    expect((await api('GET', `/api/workflows/${name}/versions/9`, compliance)).json().error.code).toBe(
      'version_not_found',
    );
  });
});
