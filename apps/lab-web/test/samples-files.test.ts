import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPage } from './support/browser.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';
import { tick } from './support/page-actions.ts';

const lab = setUpBrowserLab();

async function downloaded(download: Download): Promise<Buffer> {
  return readFile((await download.path()) ?? '');
}

async function importFile(page: Page, name: string, text: string): Promise<void> {
  await page.locator('input[type=file]').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(text),
  });
  await page.getByText(new RegExp(`${name}: \\d+ data row`)).waitFor();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
}

describe('sample files in the browser: bulk paste, CSV import and export, label sheets, paging', () => {
  beforeAll(async () => {
    // 60 samples: more than a page of the list (50).
    await lab.api.call(
      'POST',
      '/api/samples/bulk',
      lab.admin.token,
      Array.from({ length: 60 }, (_, index) => ({
        sample_id: `LOT-${String(index + 1).padStart(3, '0')}`,
        sample_type: index % 2 === 0 ? 'plasma' : 'serum',
        quantity: 1,
        unit: 'mL',
        status: index < 10 ? 'in_storage' : 'received',
      })),
    );
  });

  it('pages the list by keyset and keeps every filter in the address', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto('/samples');
    const rows = page.getByRole('table', { name: 'Samples' }).locator('tbody tr');
    const ids = () => rows.locator('td:nth-child(2) a').allTextContents();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(50);
    const first = await ids();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(10);
    // The two pages hold every sample once (one bulk request: the same created_at, ordered by id).
    expect(new Set([...first, ...(await ids())]).size).toBe(60);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await checkPage(page, 'samples-list-page-2');

    // The free text waits for a pause in typing, then goes to the address; a new filter is page 1.
    await page.getByLabel('Sample id starts with').pressSequentially('LOT-00', { delay: 20 });
    await page.waitForURL(/q=/);
    await page.getByText('Page 1').waitFor();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(9);
    await page.getByRole('button', { name: /Status/ }).click();
    await page.getByRole('option', { name: 'in storage', exact: true }).click();
    await page.waitForURL(/status=in_storage/);
    await page.getByLabel('Sample type').fill('serum');
    await page.waitForURL(/sample_type=serum/);
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(4);
    await checkPage(page, 'samples-list-filtered');
    // The filtered view reloads as it was.
    await page.reload();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(4);
    expect(await page.getByLabel('Sample id starts with').inputValue()).toBe('LOT-00');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(50);
    expect(problems).toEqual([]);
  });

  it('registers pasted spreadsheet rows, with every problem shown against its row first', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto('/samples/new');
    await page.getByRole('tab', { name: 'Paste rows' }).click();
    const paste = page.getByLabel('Rows from a spreadsheet');
    const table = page.getByRole('table', { name: 'Pasted rows' });
    await paste.fill(
      'sample_id\tsample_type\tquantity\tunit\nBP-1\tplasma\t1.5\tmL\nBP-2\tplasma\tabc\tmL\n',
    );
    await table.getByRole('row', { name: /BP-2.*quantity: Enter a number/ }).waitFor();
    expect(await page.getByRole('button', { name: /^Register/ }).isDisabled()).toBe(true);
    await checkPage(page, 'samples-bulk-paste-preview');

    // The API's refusal (an id already taken) lands on its row; nothing is registered.
    await paste.fill('BP-1\tplasma\t1.5\tmL\nBP-2\tplasma\t2\tmL\nLOT-001\tserum\t1\tmL\n');
    await page.getByText('3 row(s), ready to register.').waitFor();
    await page.getByRole('button', { name: 'Register 3 samples' }).click();
    await table.getByRole('row', { name: /LOT-001.*already exists/ }).waitFor();
    await page
      .getByRole('alert')
      .getByText(/Already exist: LOT-001/)
      .waitFor();
    await checkPage(page, 'samples-bulk-paste-errors');
    await lab.api
      .call('GET', '/api/samples/BP-1', lab.admin.token)
      .then(() => expect.fail('BP-1 should not exist'))
      .catch((error: Error) => expect(error.message).toContain('404'));

    await paste.fill('BP-1,plasma,1.5,mL\nBP-2,plasma,2,mL,in_storage\nBP-3,serum,1,mL\n');
    await page.getByRole('button', { name: 'Register 3 samples' }).click();
    await page.getByText('Registered 3 samples: BP-1, BP-2, BP-3.').waitFor();
    await checkPage(page, 'samples-bulk-paste-done');
    expect(problems).toEqual([]);
  });

  it('imports a CSV: the per-row report against the rows and nothing imported, then a clean file', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto('/samples');
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.getByRole('heading', { name: 'Import samples' }).waitFor();
    await checkPage(page, 'samples-import');
    await importFile(
      page,
      'bad.csv',
      'sample_id,sample_type,quantity,unit,status\n' +
        'IMP-1,plasma,5,mL,in_storage\n' +
        'IMP-2,plasma,abc,mL,\n' +
        'LOT-001,serum,1,mL,\n' +
        'IMP-4,serum,1,mL,frozen\n',
    );
    await page.getByRole('alert').getByText('3 row(s) have errors; nothing was imported').waitFor();
    const report = page.getByRole('table', { name: 'Rows with errors' });
    const row = (number: string) =>
      report.getByRole('row').filter({ has: page.getByRole('rowheader', { name: number, exact: true }) });
    await expect
      .poll(() => row('2').textContent(), { timeout: 15_000 })
      .toContain('quantity: "abc" is not a number');
    await expect
      .poll(() => row('3').textContent())
      .toContain('sample_id: LOT-001 already exists in that lab');
    await expect
      .poll(() => row('4').textContent())
      .toContain('status: A new sample is received or in_storage');
    expect(await row('1').count()).toBe(0);
    // The faulty cell is marked in the row as the file has it.
    expect(await row('2').locator('.cell-error').textContent()).toBe('abc');
    await checkPage(page, 'samples-import-errors');
    const none = await lab.api.call<{ items: unknown[] }>('GET', '/api/samples?q=IMP-', lab.admin.token);
    expect(none.items).toEqual([]);

    await importFile(
      page,
      'good.csv',
      'sample_id,sample_type,quantity,unit,status\r\n' +
        'IMP-1,plasma,5,mL,in_storage\r\n' +
        'IMP-2,plasma,2.25,mL,\r\n' +
        'IMP-3,serum,1,mL,received\r\n',
    );
    await page.getByText('Imported 3 sample(s) from good.csv.').waitFor();
    expect(await report.count()).toBe(0);
    await checkPage(page, 'samples-import-done');
    expect(problems).toEqual([]);
  });

  it('exports the current filter as CSV and prints a PDF label sheet for a selection', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto('/samples?q=IMP-');
    await page.getByRole('link', { name: 'IMP-3' }).waitFor();
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/^samples-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await downloaded(csv)).toString('utf8').trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^sample_id,sample_type,quantity,unit,status/);
    expect(
      lines
        .slice(1)
        .map((line) => line.split(',')[0])
        .sort(),
    ).toEqual(['IMP-1', 'IMP-2', 'IMP-3']);

    await tick(page, 'Select IMP-1');
    await tick(page, 'Select IMP-3');
    await page.getByText('2 selected').waitFor();
    await checkPage(page, 'samples-list-selection');
    const [response, pdf] = await Promise.all([
      page.waitForResponse((reply) => reply.url().endsWith('/api/samples/labels')),
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Print label sheet (PDF)' }).click(),
    ]);
    expect(response.headers()['content-type']).toBe('application/pdf');
    expect(pdf.suggestedFilename()).toBe('sample-labels.pdf');
    expect((await downloaded(pdf)).subarray(0, 4).toString('latin1')).toBe('%PDF');
    // Selecting the whole page selects each of its rows.
    await tick(page, 'Select every sample on this page');
    await page.getByText('3 selected').waitFor();
    expect(problems).toEqual([]);
  });
});
