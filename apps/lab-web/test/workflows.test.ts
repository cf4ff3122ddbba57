import { beforeAll, describe, expect, it } from 'vitest';
import { checkDefinitionText } from '../src/pages/workflows/definition-problems.ts';
import { exampleDefinition } from '../src/pages/workflows/example-definition.ts';
import { parseLocated, placeOfPointer } from '../src/pages/workflows/json-locate.ts';
import { schemaProblems, unsupportedKeywords } from '../src/pages/workflows/schema-check.ts';
import { checkPage } from './support/browser.ts';
import { goodPassword } from './support/lab-api.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';

const lab = setUpBrowserLab();

/** The demo workflow's shape (docs/workflows.md), under a name of this test's own. */
function definition(changes: { name?: string; description?: string; zeroVoltage?: number } = {}) {
  return {
    name: changes.name ?? 'crystal-watch',
    description: changes.description ?? 'Watch a crystal form under bias.',
    parameters: {
      working_voltage: { type: 'number', unit: 'V', minimum: 0, maximum: 10, default: 5 },
      peak_threshold: { type: 'number', minimum: 0, default: 1500 },
    },
    devices: { daq: { kind: 'daq' }, raman: { kind: 'spectrometer' } },
    steps: [
      {
        id: 'ramp',
        type: 'instrument',
        role: 'daq',
        action: 'set_voltage',
        args: { channel: 0, voltage: { expr: 'params.working_voltage' } },
      },
      {
        id: 'monitor',
        type: 'loop',
        max_iterations: 10000,
        timeout_s: 3600,
        until: 'steps.acquire.peak_intensity >= params.peak_threshold',
        steps: [
          { id: 'acquire', type: 'instrument', role: 'raman', action: 'acquire', args: { exposure_ms: 200 } },
        ],
      },
      { id: 'review', type: 'approval', approver_role: 'admin', meaning: 'review' },
      {
        id: 'zero',
        type: 'instrument',
        role: 'daq',
        action: 'set_voltage',
        args: { channel: 0, voltage: changes.zeroVoltage ?? 0 },
      },
    ],
    on_abort: [
      {
        id: 'abort_zero',
        type: 'instrument',
        role: 'daq',
        action: 'set_voltage',
        args: { channel: 0, voltage: 0, ramp_v_per_s: 100 },
      },
    ],
  };
}
type Definition = ReturnType<typeof definition>;
const text = (document: unknown) => JSON.stringify(document, null, 2);
const lineOf = (content: string, needle: string) =>
  content.slice(0, content.indexOf(needle)).split('\n').length;

/** The paths of the shape problems the server lists when refusing a definition. */
async function serverSchemaPaths(document: unknown): Promise<string[]> {
  const response = await fetch(`${lab.server.url}/api/workflows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${lab.admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ definition: document }),
  });
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { details: { path: string; code: string }[] } };
  return body.error.details
    .filter((problem) => problem.code === 'schema' || problem.code === 'unknown_step_type')
    .map((problem) => problem.path);
}

const qaEmail = 'quinn.qa@lab.test';

type Session = Awaited<ReturnType<typeof lab.page>>;

describe('workflows in the browser', () => {
  let schema: unknown;
  // The author (the administrator) and a second person in compliance (workflows:approve, not create),
  // signed in once for the file: each sign-in costs a password hash.
  let author: Session;
  let qa: Session;
  beforeAll(async () => {
    await lab.api.createUser(lab.admin.token, qaEmail, ['compliance'], 'Quinn QA');
    await lab.api.createUser(lab.admin.token, 'tess.tech@lab.test', ['technician'], 'Tess Tech');
    schema = await lab.api.call('GET', '/api/workflows/schema', lab.admin.token);
    [author, qa] = await Promise.all([lab.page(), lab.page()]);
    await Promise.all([signIn(author.page, lab.admin.email), signIn(qa.page, qaEmail)]);
  });

  it("checks a definition in the page where the server would refuse it (the live check's interpreter)", async () => {
    // The interpreter reads every keyword the published schema uses.
    expect(unsupportedKeywords(schema)).toEqual([]);
    expect(schemaProblems(schema, definition())).toEqual([]);
    expect(schemaProblems(schema, exampleDefinition)).toEqual([]);
    const broken: [string, (document: Definition) => unknown, string[]][] = [
      [
        'a missing field',
        (d) => ({ ...d, steps: [{ ...d.steps[0], action: undefined }, ...d.steps.slice(1)] }),
        ['/steps/0/action'],
      ],
      [
        'an unknown step type',
        (d) => ({ ...d, steps: [{ ...d.steps[0], type: 'instrumnet' }] }),
        ['/steps/0/type'],
      ],
      ['a field that does not belong', (d) => ({ ...d, colour: 'blue' }), ['/colour']],
      ['a name against the pattern', (d) => ({ ...d, name: 'Crystal Watch' }), ['/name']],
      [
        'a nested step of the wrong shape',
        (d) => {
          const loop = { ...d.steps[1], steps: [{ id: 'acquire', type: 'wait' }] };
          return { ...d, steps: [d.steps[0], loop] };
        },
        ['/steps/1/steps/0/seconds'],
      ],
      [
        'an unknown parameter type',
        (d) => ({ ...d, parameters: { x: { type: 'float' } } }),
        ['/parameters/x/type'],
      ],
      [
        'an unknown instrument kind',
        (d) => ({ ...d, devices: { daq: { kind: 'laser' } } }),
        ['/devices/daq/kind'],
      ],
      [
        'an expression without its text',
        (d) => ({ ...d, steps: [{ ...d.steps[0], args: { voltage: {} } }] }),
        ['/steps/0/args/voltage/expr'],
      ],
      [
        'a loop without its bound',
        (d) => ({ ...d, steps: [{ ...d.steps[1], max_iterations: undefined }] }),
        ['/steps/0/max_iterations'],
      ],
      ['no steps', (d) => ({ ...d, steps: [] }), ['/steps']],
      ['a step that is not an object', (d) => ({ ...d, steps: ['ramp'] }), ['/steps/0']],
    ];
    for (const [what, change, expected] of broken) {
      const document = JSON.parse(JSON.stringify(change(definition())));
      const paths = [...new Set(schemaProblems(schema, document).map((problem) => problem.path))].sort();
      expect(paths, what).toEqual(expected);
      // The same place the server names when it refuses the document.
      const server = await serverSchemaPaths(document);
      for (const path of paths) expect(server, what).toContain(path);
    }

    // Text: a syntax error at its line and column; a problem at its line; a missing field at its object.
    const withComma = '{\n  "name": "x",\n  "steps": [1,],\n}';
    const syntax = parseLocated(withComma);
    expect(syntax.ok).toBe(false);
    if (!syntax.ok) expect(syntax.error.place).toMatchObject({ line: 3, column: 15 });
    const typo = text(definition()).replace('"action": "set_voltage"', '"acton": "set_voltage"');
    const live = checkDefinitionText(typo, schema);
    expect(live.problems.map((problem) => [problem.path, problem.place?.line])).toEqual([
      ['/steps/0/action', lineOf(typo, '"id": "ramp"') - 1],
      ['/steps/0/acton', lineOf(typo, '"acton"')],
    ]);
    const parsed = parseLocated(typo);
    if (parsed.ok)
      expect(placeOfPointer(parsed.json, '/steps/3/args/voltage')?.line).toBe(lineOf(typo, '"voltage": 0'));
    expect(checkDefinitionText('{"a": 1, "a": 2}', undefined).problems[0]).toMatchObject({
      path: '/a',
      source: 'syntax',
    });
  });

  it('writes a workflow in the editor, saves, edits, submits; another person approves by signature; retires', async () => {
    const { page, problems } = author;
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Workflows' }).click();
    await page.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();
    await page.getByText('No workflows yet.').waitFor();
    await page.getByRole('link', { name: 'New workflow' }).click();
    await page.getByRole('heading', { name: 'New workflow' }).waitFor();
    const editor = page.getByRole('textbox', { name: 'Definition', exact: true });

    // A typo: the live check finds it at its line while the text is invalid.
    const typo = text(definition()).replace('"action": "set_voltage"', '"acton": "set_voltage"');
    await editor.fill(typo);
    const live = page.getByTestId('live-problems');
    await live.getByText('/steps/0/acton').waitFor();
    const typoLine = lineOf(typo, '"acton"');
    await expect(live.getByRole('button', { name: /\/steps\/0\/acton/ }).textContent()).resolves.toContain(
      `Line ${typoLine}, column 7`,
    );
    await checkPage(page, 'workflow-editor-problems');
    // Pressing the problem puts the cursor on its line.
    await live.getByRole('button', { name: /\/steps\/0\/acton/ }).click();
    const cursorLine = await editor.evaluate(
      (area: HTMLTextAreaElement) => area.value.slice(0, area.selectionStart).split('\n').length,
    );
    expect(cursorLine).toBe(typoLine);
    await expect(editor.evaluate((area) => area === document.activeElement)).resolves.toBe(true);

    // Fixed; a literal 12 V passes the shape check but the server refuses it, at its place.
    const tooHigh = text(definition({ zeroVoltage: 12 }));
    await editor.fill(tooHigh);
    await page.getByText('No problems found by the live check.').waitFor();
    await page.getByRole('button', { name: 'Save as draft' }).click();
    const refused = page.getByTestId('server-problems');
    await refused.getByText('voltage is 12 V, above the maximum 10 V').waitFor();
    await expect(refused.textContent()).resolves.toContain(`Line ${lineOf(tooHigh, '"voltage": 12')}`);
    await page.getByRole('alert').filter({ hasText: 'The workflow definition has 1 problem' }).waitFor();
    await checkPage(page, 'workflow-editor');

    await editor.fill(text(definition()));
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('heading', { name: 'crystal-watch, version 1' }).waitFor();
    await page.getByText('A draft: its definition can still change.').waitFor();
    await expect(
      page.getByRole('textbox', { name: 'Definition (read-only)' }).inputValue(),
    ).resolves.toContain('"crystal-watch"');
    const firstHash = await page.getByTestId('definition-hash').textContent();
    await checkPage(page, 'workflow-version');

    // The draft is edited, with a reason.
    await page.getByRole('button', { name: 'Edit definition' }).click();
    await page
      .getByRole('textbox', { name: 'Definition', exact: true })
      .fill(text(definition({ description: 'Watch it closely.' })));
    await page.getByText('No problems found by the live check.').waitFor();
    await page.getByRole('button', { name: 'Save draft' }).click();
    const saveDialog = page.getByRole('dialog', { name: 'Save version 1 of crystal-watch' });
    await saveDialog.getByLabel('Reason').fill('Clearer description');
    await checkPage(page, 'workflow-save-reason');
    await saveDialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('The draft was saved.').waitFor();
    await expect(
      page.getByRole('textbox', { name: 'Definition (read-only)' }).inputValue(),
    ).resolves.toContain('Watch it closely.');
    await expect(page.getByTestId('definition-hash').textContent()).resolves.not.toBe(firstHash);

    // The graph: a node per step (nested and on-abort ones included), approval and instrument marked.
    await page.getByRole('tab', { name: 'Steps graph' }).click();
    const graph = page.getByTestId('workflow-graph');
    await graph.locator('[data-step-id="review"]').waitFor();
    const nodeIds = await graph
      .locator('.react-flow__node')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-id') ?? ''));
    expect(nodeIds.filter((id) => id.startsWith('/')).sort()).toEqual([
      '/on_abort/0',
      '/steps/0',
      '/steps/1',
      '/steps/1/steps/0',
      '/steps/2',
      '/steps/3',
    ]);
    await expect(graph.locator('.step-node-approval').count()).resolves.toBe(1);
    await expect(graph.locator('.step-node-instrument').count()).resolves.toBe(4);
    await expect(
      page.getByRole('list', { name: 'The steps in order' }).getByRole('listitem').count(),
    ).resolves.toBe(5);
    await checkPage(page, 'workflow-graph');

    // Submitted; its author cannot approve it (the API's refusal is shown in the signing dialog).
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await checkPage(page, 'workflow-submit');
    await page.getByRole('dialog').getByRole('button', { name: 'Submit' }).click();
    await page.getByText('Submitted: the definition is fixed').waitFor();
    await page.getByRole('button', { name: 'Approve (sign)' }).click();
    const selfSign = page.getByRole('dialog', { name: 'Approve Workflow crystal-watch version 1' });
    await selfSign.getByLabel('Reason').fill('I wrote it');
    await selfSign.getByLabel('Password').fill(goodPassword);
    await selfSign.getByRole('button', { name: 'Sign' }).click();
    await selfSign
      .getByRole('alert')
      .filter({ hasText: 'The author of a version cannot approve it' })
      .waitFor();
    await selfSign.getByRole('button', { name: 'Cancel' }).click();

    // A second person, in compliance (workflows:approve), signs the approval.
    await qa.page.goto('/workflows');
    await qa.page.getByRole('link', { name: 'crystal-watch', exact: true }).waitFor();
    await expect(qa.page.getByRole('link', { name: 'New workflow' }).count()).resolves.toBe(0);
    await checkPage(qa.page, 'workflows-list');
    await qa.page.getByRole('link', { name: 'crystal-watch', exact: true }).click();
    await qa.page.getByRole('heading', { name: 'Workflow crystal-watch' }).waitFor();
    await checkPage(qa.page, 'workflow-versions');
    await qa.page.getByRole('link', { name: 'Version 1' }).click();
    await qa.page.getByRole('button', { name: 'Approve (sign)' }).click();
    const sign = qa.page.getByRole('dialog', { name: 'Approve Workflow crystal-watch version 1' });
    await sign.getByText('Meaning: approved').waitFor();
    await sign.getByLabel('Reason').fill('Reviewed against SOP-12');
    await sign.getByLabel('Password').fill(goodPassword);
    await checkPage(qa.page, 'workflow-approve');
    await sign.getByRole('button', { name: 'Sign' }).click();
    const manifestation = sign.getByRole('status').filter({ hasText: 'Electronically signed' });
    await manifestation.waitFor();
    await expect(manifestation.textContent()).resolves.toMatch(/Signed byQuinn QA.*Meaningapproved/);
    await checkPage(qa.page, 'workflow-approve-manifestation');
    await sign.getByRole('button', { name: 'Close' }).click();
    await qa.page.getByText('Approved by electronic signature: locked for good').waitFor();
    const card = qa.page.getByTestId('approval-manifestation');
    await expect(card.textContent()).resolves.toMatch(
      /Signed byQuinn QA.*Meaningapproved.*ReasonReviewed against SOP-12/,
    );
    await checkPage(qa.page, 'workflow-version-approved');

    // Approved: the author may start a run of it, or retire it with a reason.
    await page.reload();
    await page.getByText('Approved by electronic signature: locked for good').waitFor();
    // Search values are written as typed (version=1), never JSON-quoted.
    await expect(page.getByRole('link', { name: 'Start a run' }).getAttribute('href')).resolves.toMatch(
      /^\/runs\/new\?workflow=crystal-watch&version=1$/,
    );
    await expect(page.getByRole('button', { name: 'Edit definition' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Retire' }).click();
    const retire = page.getByRole('dialog', { name: 'Retire Workflow crystal-watch version 1' });
    await retire.getByLabel('Reason').fill('Superseded by SOP-13');
    await checkPage(page, 'workflow-retire');
    await retire.getByRole('button', { name: 'Retire' }).click();
    await page.getByText('Retired: it no longer runs').waitFor();
    await expect(page.getByRole('link', { name: 'Start a run' }).count()).resolves.toBe(0);

    // The next version starts as a draft copy of this one.
    await page.getByRole('button', { name: 'New version' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('heading', { name: 'crystal-watch, version 2' }).waitFor();
    await expect(
      page.getByRole('textbox', { name: 'Definition (read-only)' }).inputValue(),
    ).resolves.toContain('Watch it closely.');
    await page.getByRole('link', { name: 'All versions of crystal-watch' }).click();
    const rows = page.getByRole('table', { name: 'Versions of crystal-watch' }).getByRole('row');
    await expect(rows.nth(1).textContent()).resolves.toContain('draft');
    await expect(rows.nth(2).textContent()).resolves.toContain('retired');
    expect(problems).toEqual([]);
    expect(qa.problems).toEqual([]);
  });

  it('hides creation from people who may not create, and shows the refusal to those who may not read', async () => {
    await qa.page.goto('/workflows/new');
    await qa.page.getByText('You do not have permission to create workflows.').waitFor();
    await checkPage(qa.page, 'workflow-new-denied');

    const tech = await lab.page();
    await signIn(tech.page, 'tess.tech@lab.test');
    await tech.page.goto('/workflows');
    await tech.page
      .getByRole('alert')
      .filter({ hasText: 'This needs the workflows:read permission' })
      .waitFor();
    await checkPage(tech.page, 'workflows-denied');
  });

  it('takes YAML, read by the server when saved, and lists its problems by path', async () => {
    const { page, problems } = author;
    await page.goto('/workflows/new');
    await page.getByRole('button', { name: 'Start from the example' }).click();
    await page.getByText('No problems found by the live check.').waitFor();
    await page.getByText('YAML (checked when saved)').click();
    await page.getByText('YAML is read and checked by the server when you save').waitFor();
    const yaml = [
      'name: yaml-watch',
      'devices:',
      '  daq: { kind: daq }',
      'steps:',
      '  - id: zero',
      '    type: instrument',
      '    role: daq',
      '    action: set_voltage',
      '    args: { channel: 9, voltage: 0 }',
    ].join('\n');
    await page.getByRole('textbox', { name: 'Definition', exact: true }).fill(yaml);
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByTestId('server-problems').getByText('/steps/0/args/channel').waitFor();
    await page
      .getByRole('textbox', { name: 'Definition', exact: true })
      .fill(yaml.replace('channel: 9', 'channel: 1'));
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('heading', { name: 'yaml-watch, version 1' }).waitFor();
    await page.getByRole('tab', { name: 'Steps graph' }).click();
    await page.getByTestId('workflow-graph').locator('[data-step-id="zero"]').waitFor();
    expect(problems).toEqual([]);
  });
});
