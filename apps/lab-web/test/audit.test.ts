import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPage } from './support/browser.ts';
import { goodPassword } from './support/lab-api.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';

const lab = setUpBrowserLab();

interface Sample {
  id: string;
  sample_id: string;
}

let scientistToken = '';
let sample: Sample;

const newSample = (sampleId: string) => ({
  sample_id: sampleId,
  sample_type: 'plasma',
  quantity: 5,
  unit: 'mL',
});

beforeAll(async () => {
  await lab.api.createUser(lab.admin.token, 'sci@lab.test', ['scientist'], 'Sam Scientist');
  scientistToken = await lab.api.login('sci@lab.test');
  // More than one page of sample entries (50 a page), in one call: each sample is its own entry.
  await lab.api.call(
    'POST',
    '/api/samples/bulk',
    lab.admin.token,
    Array.from({ length: 55 }, (_, n) => newSample(`BULK-${String(n).padStart(3, '0')}`)),
  );
  sample = await lab.api.call<Sample>('POST', '/api/samples', scientistToken, newSample('S-AUDIT-1'));
  await lab.api.call('PATCH', `/api/samples/${sample.id}`, scientistToken, {
    quantity: 3,
    metadata: { colour: 'amber' },
    reason: 'Aliquot taken for assay',
  });
});

/** Polls a reading of the page (each read waits on the browser, slow on a busy machine). */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 200 });

/** The trail's rows (entry number, who, action, record) as the table shows them. */
async function rows(page: Page) {
  const table = page.getByRole('table', { name: /Audit trail entries/ });
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '');
      return { seq: Number(cells[0]), actor: cells[2] ?? '', action: cells[3] ?? '', record: cells[4] ?? '' };
    }),
  );
}

async function applyFilter(page: Page, label: string, value: string) {
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.waitForURL((url) => url.search === '');
  await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Apply filters' }).click();
}

describe('the audit trail in the browser', () => {
  it('shows entries, filters them by record type and by actor, and pages forward and back', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Audit trail' })
      .click();
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    const first = await rows(page);
    expect(first.length).toBe(50);
    expect(first.map((row) => row.action)).toContain('sample.update');
    expect(first.some((row) => row.action === 'sample.create' && row.actor === 'sci@lab.test')).toBe(true);
    await checkPage(page, 'audit-trail');

    await applyFilter(page, 'Record type', 'user');
    await page.waitForURL(/entity_type=user/);
    await poll(async () => (await rows(page)).every((row) => row.record.startsWith('user'))).toBe(true);
    expect((await rows(page)).map((row) => row.action)).toContain('user.create');

    await applyFilter(page, 'Actor', 'sci@lab.test');
    await page.waitForURL(/actor=sci%40lab\.test|actor=sci@lab\.test/);
    await poll(async () => (await rows(page)).every((row) => row.actor === 'sci@lab.test')).toBe(true);
    const bySci = await rows(page);
    expect(bySci.map((row) => row.action)).toEqual(
      expect.arrayContaining(['sample.create', 'sample.update']),
    );
    // A filtered view reloads as it was: the filters are the address.
    await page.reload();
    await poll(async () => (await rows(page)).length).toBe(bySci.length);
    await expect(page.getByLabel('Actor', { exact: true }).inputValue()).resolves.toBe('sci@lab.test');

    await applyFilter(page, 'Record type', 'sample');
    await poll(async () => (await rows(page)).length).toBe(50);
    const pageOne = await rows(page);
    const pager = page.getByRole('navigation', { name: 'Pages' });
    await pager.getByRole('button', { name: 'Next' }).click();
    await pager.getByText('Page 2').waitFor();
    await poll(async () => (await rows(page))[0]?.seq).toBeLessThan(pageOne.at(-1)?.seq ?? 0);
    const pageTwo = await rows(page);
    expect(pageTwo.length).toBeGreaterThan(0);
    expect(pageTwo.every((row) => row.record.startsWith('sample'))).toBe(true);
    await expect(pager.getByRole('button', { name: 'Next' }).isDisabled()).resolves.toBe(true);
    await pager.getByRole('button', { name: 'Previous' }).click();
    await pager.getByText('Page 1').waitFor();
    await poll(async () => (await rows(page))[0]?.seq).toBe(pageOne[0]?.seq);
    expect(problems).toEqual([]);
  });

  it("opens an entry's change as a readable diff, with the raw JSON behind a disclosure", async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto(`/audit?action=sample.update&entity_id=${sample.id}`);
    const [update] = await rows(page);
    expect(update?.action).toBe('sample.update');
    await page.getByRole('button', { name: `Show entry ${update?.seq}` }).click();
    const dialog = page.getByRole('dialog', { name: `Audit entry ${update?.seq}` });
    await dialog.waitFor();
    await dialog.getByText('Aliquot taken for assay').waitFor();
    const diff = dialog.getByRole('table', { name: /Fields changed by entry/ });
    const quantity = diff.getByRole('row', { name: /quantity/ });
    await expect(quantity.locator('td').allTextContents()).resolves.toEqual(['changed', '5', '3']);
    await expect(quantity.locator('td.diff-removed').textContent()).resolves.toBe('5');
    await expect(quantity.locator('td.diff-added').textContent()).resolves.toBe('3');
    // A field the update added is its own highlighted row, not a JSON blob.
    const colour = diff.getByRole('row', { name: /metadata\.colour/ });
    await expect(colour.getAttribute('class')).resolves.toBe('diff-added');
    await expect(colour.locator('td').allTextContents()).resolves.toEqual(['added', '—', 'amber']);
    await expect(dialog.locator('pre.raw-json').isVisible()).resolves.toBe(false);
    await dialog.getByText('Raw entry (JSON) and hashes').click();
    await expect(dialog.locator('pre.raw-json').textContent()).resolves.toContain('"quantity": 3');
    await checkPage(page, 'audit-entry-diff');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
  });

  it('exports the filtered trail as CSV and as JSON', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto('/audit?actor=sci%40lab.test');
    await rows(page);
    const csv = await downloaded(page, 'Export CSV');
    expect(csv.name).toMatch(/^audit-trail-.*\.csv$/);
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines[0]).toContain('seq');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((line) => line.includes('sci@lab.test'))).toBe(true);
    expect(csv.text).toContain('sample.update');
    expect(csv.text).toContain('Aliquot taken for assay');

    const json = await downloaded(page, 'Export JSON');
    expect(json.name).toMatch(/^audit-trail-.*\.json$/);
    const document = JSON.parse(json.text) as {
      verification: { valid: boolean };
      filter: { actor?: string };
      entries: { actor_email: string; action: string }[];
    };
    expect(document.verification.valid).toBe(true);
    expect(document.filter.actor).toBe('sci@lab.test');
    expect(document.entries.length).toBe(lines.length - 1);
    expect(document.entries.every((entry) => entry.actor_email === 'sci@lab.test')).toBe(true);
    expect(document.entries.map((entry) => entry.action)).toContain('sample.update');
    expect(problems).toEqual([]);
  });

  it('verifies the chain: intact, then broken at the first tampered entry', async () => {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    await page.goto('/audit');
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByText(/The audit trail is intact: [\d,]+ entries checked/).waitFor();
    await checkPage(page, 'audit-verify-ok');

    const [update] = (
      await lab.api.call<{ items: { seq: number }[] }>(
        'GET',
        `/api/compliance/audit?action=sample.update&entity_id=${sample.id}`,
        lab.admin.token,
      )
    ).items;
    const seq = update?.seq ?? 0;
    // What a database superuser could do: switch off the append-only trigger and rewrite a reason.
    await asSuperuser(
      `ALTER TABLE audit_entries DISABLE TRIGGER USER;
       UPDATE audit_entries SET reason = 'Nothing happened' WHERE seq = ${seq};
       ALTER TABLE audit_entries ENABLE TRIGGER USER`,
    );
    try {
      await page.getByRole('button', { name: 'Verify the chain' }).click();
      await page.getByText(new RegExp(`The audit trail is broken at entry ${seq}`)).waitFor();
      await page.getByRole('heading', { name: 'First broken entry' }).waitFor();
      await page.getByText(/reason: Nothing happened/).waitFor();
      await checkPage(page, 'audit-verify-broken');
      await page
        .getByRole('button', { name: `Show entry ${seq}` })
        .first()
        .click();
      const dialog = page.getByRole('dialog', { name: `Audit entry ${seq}` });
      await dialog.getByText('Nothing happened').waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();
    } finally {
      await asSuperuser(
        `ALTER TABLE audit_entries DISABLE TRIGGER USER;
         UPDATE audit_entries SET reason = 'Aliquot taken for assay' WHERE seq = ${seq};
         ALTER TABLE audit_entries ENABLE TRIGGER USER`,
      );
    }
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByText(/The audit trail is intact/).waitFor();
    expect(problems).toEqual([]);
  });
});

describe('a signature in the browser', () => {
  it('verifies a signature from the trail: valid and unchanged, then the record changed since signing', async () => {
    const signed = await lab.api.call<{ id: string }>('POST', '/api/signatures', scientistToken, {
      record_type: 'sample',
      record_id: sample.id,
      meaning: 'reviewed',
      reason: 'Checked the aliquot volume',
      password: goodPassword,
    });
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    // Reachable from the trail: a signature entry links to its verification.
    await page.goto('/audit?action=signature.create');
    const table = page.getByRole('table', { name: /Audit trail entries/ });
    await table.getByRole('link', { name: 'signature' }).first().click();
    await page.waitForURL(`**/signatures/${signed.id}`);
    await page.getByRole('heading', { name: 'Electronic signature', level: 1 }).waitFor();
    await page.getByText('Signature valid', { exact: true }).waitFor();
    await page.getByText('Record unchanged since signing', { exact: true }).waitFor();
    const manifestation = page.getByRole('region', { name: 'Manifestation' });
    await manifestation.getByText('Sam Scientist').waitFor();
    await manifestation.getByText('reviewed', { exact: true }).waitFor();
    await manifestation.getByText('Checked the aliquot volume').waitFor();
    const record = page.getByRole('region', { name: 'Signed record' });
    await expect(record.getByRole('link', { name: 'Open the sample' }).getAttribute('href')).resolves.toBe(
      `/samples/${sample.id}`,
    );
    const others = page.getByRole('table', { name: /Signatures on this record/ });
    await others.getByText('this signature').waitFor();
    await page.getByRole('region', { name: 'Signing key' }).getByText('current key').waitFor();
    await checkPage(page, 'signature-verify');

    await lab.api.call('PATCH', `/api/samples/${sample.id}`, scientistToken, {
      quantity: 2,
      reason: 'Second aliquot',
    });
    await page.reload();
    await page.getByText('Signature valid', { exact: true }).waitFor();
    await page.getByText('Record changed since signing', { exact: true }).waitFor();
    await checkPage(page, 'signature-verify-changed');

    await page.goto('/signatures/00000000-0000-4000-8000-000000000000');
    await page.getByRole('alert').getByText('There is no such signature').waitFor();
    expect(problems).toEqual([]);
  });
});

async function downloaded(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

async function asSuperuser(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: lab.server.databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
