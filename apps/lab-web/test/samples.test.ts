import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPage } from './support/browser.ts';
import { goodPassword } from './support/lab-api.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';
import { choose } from './support/page-actions.ts';

const lab = setUpBrowserLab();

describe('samples in the browser', () => {
  beforeAll(async () => {
    await lab.api.createUser(lab.admin.token, 'quinn@lab.test', ['compliance'], 'Quinn Compliance');
    await lab.api.createUser(lab.admin.token, 'tess@lab.test', ['technician'], 'Tess Technician');
    // A few samples already there, so the list is a list.
    await lab.api.call(
      'POST',
      '/api/samples/bulk',
      lab.admin.token,
      Array.from({ length: 5 }, (_, index) => ({
        sample_id: `PRE-${index + 1}`,
        sample_type: 'serum',
        quantity: 2,
        unit: 'mL',
      })),
    );
  });

  it('registers a sample, edits it with a reason, changes its status and splits it into aliquots', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Samples' }).click();
    await page.getByRole('heading', { name: 'Samples', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'PRE-5' }).waitFor();
    await checkPage(page, 'samples-list');

    await page.getByRole('link', { name: 'Register samples' }).click();
    await page.getByRole('heading', { name: 'Register samples' }).waitFor();
    await checkPage(page, 'samples-register');
    await page.getByLabel('Sample id').fill('S-100');
    await page.getByLabel('Sample type').fill('plasma');
    await page.getByLabel('Quantity').fill('10');
    await page.getByLabel('Unit').fill('mL');
    await page.getByLabel('Metadata (optional JSON)').fill('{"donor": "D-17"}');
    await page.getByRole('button', { name: 'Register sample' }).click();
    await page.getByRole('heading', { name: 'Sample S-100' }).waitFor();
    await page.getByText('D-17', { exact: true }).waitFor();
    await page.getByRole('img', { name: /Label of S-100/ }).waitFor();
    await checkPage(page, 'sample-detail');

    // Edit with a reason: the change and its reason land in the history.
    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit S-100' });
    await edit.getByLabel('Sample type').fill('serum');
    await edit.getByLabel('Reason').fill('Relabelled after QC');
    await checkPage(page, 'sample-edit');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await page.getByText('serum · received · 10 mL').waitFor();
    const history = page.getByRole('table', { name: 'History of the sample' });
    await history.getByText('Relabelled after QC').waitFor();
    await history.getByText('sample_type: plasma → serum').waitFor();

    // Only the statuses a received sample may move to are offered.
    await page.getByRole('button', { name: 'Change status' }).click();
    const status = page.getByRole('dialog', { name: /Change the status of S-100/ });
    await status.getByRole('button', { name: /New status/ }).click();
    const options = await page.getByRole('option').allTextContents();
    expect(options).toEqual(['in storage', 'in process', 'consumed', 'disposed']);
    await checkPage(page, 'sample-status');
    await page.getByRole('option', { name: 'in storage', exact: true }).click();
    await status.getByLabel('Reason').fill('Put in freezer F2');
    await status.getByRole('button', { name: 'Change status' }).click();
    await status.waitFor({ state: 'detached' });
    await page.getByText('serum · in storage · 10 mL').waitFor();
    // From in storage, received is no longer offered.
    await page.getByRole('button', { name: 'Change status' }).click();
    await status.getByRole('button', { name: /New status/ }).click();
    expect(await page.getByRole('option').allTextContents()).toEqual(['in process', 'consumed', 'disposed']);
    await page.keyboard.press('Escape');
    await status.getByRole('button', { name: 'Cancel' }).click();

    // Split: the parent's remaining amount follows the typing; too much is refused before sending.
    await page.getByRole('button', { name: 'Split into aliquots' }).click();
    const split = page.getByRole('dialog', { name: 'Split S-100' });
    const remaining = split.getByRole('status');
    await split.getByLabel('Aliquot 1 amount (mL)').fill('2.5');
    await expect.poll(() => remaining.textContent(), { timeout: 15_000 }).toBe('S-100 keeps 7.5 mL.');
    await split.getByLabel('Aliquot 2 amount (mL)').fill('8');
    await expect.poll(() => remaining.textContent(), { timeout: 15_000 }).toContain('need 0.5 mL more');
    expect(await split.getByRole('button', { name: 'Split into 2' }).isDisabled()).toBe(true);
    await checkPage(page, 'sample-split-over');
    await split.getByLabel('Aliquot 2 amount (mL)').fill('3.1');
    await expect.poll(() => remaining.textContent(), { timeout: 15_000 }).toBe('S-100 keeps 4.4 mL.');
    await checkPage(page, 'sample-split');
    await split.getByRole('button', { name: 'Split into 2' }).click();
    await page.getByText('Split into S-100.1, S-100.2.').waitFor();
    await page.getByText('serum · in storage · 4.4 mL').waitFor();
    expect(problems).toEqual([]);
  });

  it('walks the lineage graph by clicking, previews and downloads a label, and signs the sample', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto('/samples/S-100');
    await page.getByRole('heading', { name: 'Sample S-100' }).waitFor();
    const relatives = page.getByRole('navigation', { name: 'Relatives of S-100' });
    await relatives.getByRole('link', { name: 'S-100.1' }).waitFor();
    await page.locator('.react-flow__node', { hasText: 'S-100.2' }).waitFor();
    await checkPage(page, 'sample-lineage');

    // A click on a child in the graph opens it; its parent is then above it, and a click goes back.
    await page.locator('.react-flow__node', { hasText: 'S-100.1' }).click();
    await page.getByRole('heading', { name: 'Sample S-100.1' }).waitFor();
    await page
      .getByRole('navigation', { name: 'Relatives of S-100.1' })
      .getByRole('link', { name: 'S-100' })
      .waitFor();
    expect(await page.locator('.lineage-node-current').textContent()).toContain('S-100.1');
    await checkPage(page, 'sample-lineage-child');
    await page.locator('.react-flow__node', { hasText: /^S-100in storage$/ }).click();
    await page.getByRole('heading', { name: 'Sample S-100' }).waitFor();

    // The label: previewed from a blob: address (the token is in memory only), then downloaded.
    const preview = page.getByRole('img', { name: 'Label of S-100 (SVG)' });
    await preview.waitFor();
    expect(await preview.getAttribute('src')).toMatch(/^blob:/);
    expect(await preview.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
    await choose(page, /Format/, 'PNG (image)');
    await page.getByRole('img', { name: 'Label of S-100 (PNG)' }).waitFor();
    await checkPage(page, 'sample-label');
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download PNG' }).click(),
    ]);
    expect(png.suggestedFilename()).toBe('label-S-100.png');
    const bytes = await readFile((await png.path()) ?? '');
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await choose(page, /Format/, 'SVG (vector)');
    await page.getByRole('img', { name: 'Label of S-100 (SVG)' }).waitFor();
    const [svg] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download SVG' }).click(),
    ]);
    expect(svg.suggestedFilename()).toBe('label-S-100.svg');
    expect(await readFile((await svg.path()) ?? '', 'utf8')).toContain('<svg');

    // Signing: the manifestation, then the signature listed with a link to its verification.
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    const sign = page.getByRole('dialog', { name: 'Sign sample S-100' });
    await sign.getByLabel('Reason').fill('Reviewed the aliquoting');
    await sign.getByLabel('Password').fill(goodPassword);
    await checkPage(page, 'sample-sign');
    await sign.getByRole('button', { name: 'Sign', exact: true }).click();
    await sign.getByText('Electronically signed').waitFor();
    await checkPage(page, 'sample-signed');
    await sign.getByRole('button', { name: 'Close' }).click();
    const signatures = page.getByRole('table', { name: 'Signatures of the sample' });
    await signatures.getByText('Reviewed the aliquoting').waitFor();
    await signatures.getByRole('cell', { name: 'reviewed', exact: true }).waitFor();
    expect(
      await signatures.getByRole('link', { name: 'Verify the signature by Ada Admin' }).getAttribute('href'),
    ).toMatch(/^\/signatures\/[0-9a-f-]{36}$/);
    // Runs: none yet for this sample.
    await page.getByText('This sample has not been through a run.').waitFor();
    expect(problems).toEqual([]);
  });

  it('lets an administrator soft-delete a sample, which then shows only with "Include deleted"', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto('/samples/PRE-1');
    await page.getByRole('heading', { name: 'Sample PRE-1' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete PRE-1' });
    await dialog.getByLabel('Reason').fill('Registered twice by mistake');
    await checkPage(page, 'sample-delete');
    await dialog.getByRole('button', { name: 'Delete sample' }).click();
    await page.getByText(/This sample was deleted on/).waitFor();
    expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await checkPage(page, 'sample-deleted');

    await page.goto('/samples');
    await page.getByRole('link', { name: 'PRE-2' }).waitFor();
    expect(await page.getByRole('link', { name: 'PRE-1', exact: true }).count()).toBe(0);
    await page.getByText('Include deleted').click();
    await page.waitForURL(/include_deleted=/);
    await page.getByRole('link', { name: 'PRE-1', exact: true }).waitFor();
    await page.getByRole('row', { name: /PRE-1 deleted/ }).waitFor();
    expect(problems).toEqual([]);
  });

  it('hides what a read-only role may not do, and tells a user without samples:read why', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, 'quinn@lab.test');
    await page.goto('/samples');
    await page.getByRole('link', { name: 'PRE-2' }).waitFor();
    expect(await page.getByRole('link', { name: 'Register samples' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Import CSV' }).count()).toBe(0);
    await checkPage(page, 'samples-list-read-only');
    await page.getByRole('link', { name: 'S-100', exact: true }).click();
    await page.getByRole('heading', { name: 'Sample S-100' }).waitFor();
    await page.getByRole('img', { name: /Label of S-100/ }).waitFor();
    for (const action of ['Edit', 'Change status', 'Split into aliquots', 'Sign', 'Delete']) {
      expect(await page.getByRole('button', { name: action, exact: true }).count(), action).toBe(0);
    }
    await checkPage(page, 'sample-detail-read-only');
    await page.goto('/samples/new');
    await page.getByText(/You do not have permission to register samples/).waitFor();
    await checkPage(page, 'samples-register-denied');

    const other = await lab.page();
    await signIn(other.page, 'tess@lab.test');
    await other.page.goto('/samples');
    await other.page.getByRole('alert').getByText('This needs the samples:read permission').waitFor();
    await checkPage(other.page, 'samples-list-denied');
    await other.page.goto('/samples/S-100');
    await other.page.getByRole('alert').getByText('This needs the samples:read permission').waitFor();
    await checkPage(other.page, 'sample-detail-denied');
    expect(problems).toEqual([]);
    expect(other.problems).toEqual([]);
  });

  it('lists the runs a sample went through, each linked to its run', async () => {
    // The demo workflow (approved, with simulated instruments) run on PRE-2.
    const demo = await lab.api.call<{ workflow: { name: string; devices: Record<string, string> } }>(
      'POST',
      '/api/admin/demo-data',
      lab.admin.token,
      {},
    );
    const run = await lab.api.call<{ id: string }>('POST', '/api/runs', lab.admin.token, {
      workflow: demo.workflow.name,
      devices: demo.workflow.devices,
      samples: ['PRE-2'],
    });
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto('/samples/PRE-2');
    const runs = page.getByRole('table', { name: 'Runs of the sample' });
    const link = runs.getByRole('link', { name: new RegExp(`^${demo.workflow.name} v\\d+$`) });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`/runs/${run.id}`);
    await checkPage(page, 'sample-runs');
    expect(problems).toEqual([]);
  });
});
