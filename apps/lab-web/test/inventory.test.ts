import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkPage } from './support/browser.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';

const lab = setUpBrowserLab();

/** A calendar day `days` from today, as the date inputs and the API take it (YYYY-MM-DD). */
function dayFromToday(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

async function waitFor<T>(read: () => Promise<T | undefined>, what: string, seconds = 20): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const lotDialog = (page: Page, name: string) => page.getByRole('dialog', { name });

/**
 * The administrator's browser page, signed in once and shared by the tests below, which follow one
 * item through its life (each its own step, so each has its own time limit on a busy machine).
 */
let admin: { page: Page; problems: string[] } | undefined;
async function adminPage(): Promise<{ page: Page; problems: string[] }> {
  if (!admin) {
    const { page, problems } = await lab.page();
    await signIn(page, lab.admin.email);
    admin = { page, problems };
  }
  return admin;
}

async function itemId(): Promise<string> {
  const items = await lab.api.call<{ items: { id: string }[] }>(
    'GET',
    '/api/inventory/items?q=ETOH',
    lab.admin.token,
  );
  return items.items[0]!.id;
}

describe('inventory in the browser', () => {
  it('registers an item, receives and consumes stock, refuses what the API refuses, quarantines and releases', async () => {
    await lab.api.call('POST', '/api/samples', lab.admin.token, {
      sample_id: 'SMP-INV-1',
      sample_type: 'solution',
      quantity: 10,
      unit: 'mL',
    });
    const { page, problems } = await adminPage();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inventory' }).click();
    await page.getByRole('heading', { name: 'Inventory', level: 1 }).waitFor();
    await page.getByText('No items match these filters.').waitFor();

    // Register an item with a reorder point: its page opens.
    await page.getByRole('button', { name: 'Register item' }).click();
    const register = lotDialog(page, 'Register an item');
    await register.getByLabel('Code', { exact: true }).fill('ETOH-96');
    await register.getByLabel('Name', { exact: true }).fill('Ethanol 96%');
    await register.getByLabel('Category').fill('reagent');
    await register.getByLabel('Unit').fill('mL');
    await register.getByLabel('Location').fill('Cabinet B2');
    await register.getByLabel('Reorder point').fill('10');
    await register.getByLabel('Minimum stock').fill('2');
    await checkPage(page, 'inventory-register-item');
    await register.getByRole('button', { name: 'Register item' }).click();
    await page.getByRole('heading', { name: 'ETOH-96 · Ethanol 96%', level: 1 }).waitFor();
    await page.getByText('No stock received yet.').waitFor();

    // Receive 12 mL into a new lot: the lot's page opens.
    await page.getByRole('button', { name: 'Receive stock' }).click();
    const receive = lotDialog(page, 'Receive ETOH-96');
    await receive.getByLabel('Lot number').fill('L-001');
    await receive.getByLabel('Quantity (mL)').fill('12');
    await receive.getByLabel('Expiry date').fill(dayFromToday(200));
    await checkPage(page, 'inventory-receive');
    await receive.getByRole('button', { name: 'Receive' }).click();
    await page.getByRole('heading', { name: 'Lot L-001', level: 1 }).waitFor();
    await expect(page.locator('.inv-stock-figure').textContent()).resolves.toBe('12 mL');

    // 12 mL is above the reorder point of 10: not low.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inventory' }).click();
    await page.getByRole('tab', { name: 'Low stock' }).click();
    await page.getByText('Every item has more usable stock than its reorder point.').waitFor();

    // Consume 5 mL for a sample and a run.
    await page.goBack();
    await page.goBack();
    await page.getByRole('heading', { name: 'Lot L-001', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Consume' }).click();
    const consume = lotDialog(page, 'Consume from lot L-001');
    await consume.getByLabel('Quantity (mL)').fill('5');
    await consume.getByLabel('Sample').fill('SMP-INV-1');
    await consume.getByLabel('Run reference').fill('RUN-42');
    await checkPage(page, 'inventory-consume');
    await consume.getByRole('button', { name: 'Consume' }).click();
    await consume.waitFor({ state: 'detached' });
    await page.locator('.inv-stock-figure', { hasText: '7 mL' }).waitFor();
    await checkPage(page, 'inventory-lot');

    // More than is left: the API's refusal shows in the dialog, which stays open.
    await page.getByRole('button', { name: 'Consume' }).click();
    await consume.getByLabel('Quantity (mL)').fill('50');
    await consume.getByRole('button', { name: 'Consume' }).click();
    await expect(consume.getByRole('alert').textContent()).resolves.toContain('Lot L-001 has 7 mL left');
    await checkPage(page, 'inventory-consume-refused');
    await consume.getByRole('button', { name: 'Cancel' }).click();

    // Quarantine with a reason: consumption is refused.
    await page.getByRole('button', { name: 'Quarantine' }).click();
    const hold = lotDialog(page, 'Quarantine lot L-001');
    await hold.getByLabel('Reason').fill('Cloudy appearance, sent for QC');
    await checkPage(page, 'inventory-quarantine');
    await hold.getByRole('button', { name: 'Quarantine' }).click();
    await page.getByText('Quarantined: nothing can be consumed until it is released.').waitFor();
    await page.getByRole('button', { name: 'Consume' }).click();
    await consume.getByLabel('Quantity (mL)').fill('1');
    await consume.getByRole('button', { name: 'Consume' }).click();
    await expect(consume.getByRole('alert').textContent()).resolves.toContain('Lot L-001 is quarantined');
    await consume.getByRole('button', { name: 'Cancel' }).click();
    await checkPage(page, 'inventory-lot-quarantined');

    // Release with a reason.
    await page.getByRole('button', { name: 'Release' }).click();
    const release = lotDialog(page, 'Release lot L-001');
    await release.getByLabel('Reason').fill('QC passed');
    await release.getByRole('button', { name: 'Release' }).click();
    await page.getByRole('button', { name: 'Quarantine' }).waitFor();
    expect(await page.getByText('Quarantined: nothing').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows the ledger, and lists the item as low stock once below its reorder point', async () => {
    const { page, problems } = await adminPage();
    // The lot's ledger: the receipt and the consumption with its sample and run.
    const ledger = page.getByRole('table', { name: 'Ledger' });
    await ledger.getByRole('link', { name: 'SMP-INV-1' }).waitFor();
    const rows = await ledger.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('consumed');
    expect(rows[0]).toContain('−5 mL');
    expect(rows[0]).toContain('RUN-42');
    expect(rows[1]).toContain('+12 mL');

    // The whole ledger, with the item and lot looked up.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inventory' }).click();
    await page.getByRole('tab', { name: 'Ledger' }).click();
    const all = page.getByRole('table', { name: 'Ledger' });
    await all.getByRole('link', { name: 'L-001' }).first().waitFor();
    await all.getByRole('link', { name: 'ETOH-96' }).first().waitFor();
    await checkPage(page, 'inventory-ledger');

    // 7 mL usable, at or below the reorder point of 10: listed as low stock.
    await page.getByRole('tab', { name: 'Low stock' }).click();
    const low = page.getByRole('table', { name: 'Low stock items' });
    await low.getByRole('link', { name: 'ETOH-96' }).waitFor();
    expect(await low.locator('tbody tr').first().textContent()).toContain('warning');
    expect(page.url()).toContain('view=low-stock');
    await checkPage(page, 'inventory-low-stock');

    // The items list flags it too, and filters to low stock through the address.
    await page.goto('/inventory?low_stock=true');
    await page.getByRole('table', { name: 'Items' }).getByText('Low stock').waitFor();
    await checkPage(page, 'inventory-items');
    expect(problems).toEqual([]);
  });

  it('shows expiring and expired lots, the open alerts, and lots filtered by status', async () => {
    const { page, problems } = await adminPage();
    const token = lab.admin.token;
    const item = { id: await itemId() };
    // Expiring and expired lots (prepared through the API).
    await lab.api.call('POST', '/api/inventory/lots', token, {
      item_id: item.id,
      lot_number: 'L-002',
      quantity: 1,
      expiry_date: dayFromToday(5),
    });
    const old = await lab.api.call<{ lot: { id: string } }>('POST', '/api/inventory/lots', token, {
      item_id: item.id,
      lot_number: 'L-003',
      quantity: 2,
      expiry_date: dayFromToday(3),
    });
    await lab.api.call('PATCH', `/api/inventory/lots/${old.lot.id}`, token, {
      expiry_date: dayFromToday(-1),
      reason: 'Label misread: expired yesterday',
    });
    await page.goto('/inventory?view=expiring');
    const expiring = page.getByRole('table', { name: 'Lots expiring within 30 days' });
    await expiring.getByRole('link', { name: 'L-002' }).waitFor();
    await expiring.getByText('(in 5 days)').waitFor();
    await checkPage(page, 'inventory-expiring');
    await page.getByRole('tab', { name: 'Expired' }).click();
    const expired = page.getByRole('table', { name: 'Expired lots with stock' });
    await expired.getByRole('link', { name: 'L-003' }).waitFor();
    await expired.locator('.badge-danger').first().waitFor();
    await checkPage(page, 'inventory-expired');

    // The daily stock check records open alerts.
    await lab.api.call('POST', '/api/admin/jobs/inventory-alerts/run', token);
    await waitFor(async () => {
      const alerts = await lab.api.call<{ items: unknown[] }>('GET', '/api/inventory/alerts', token);
      return alerts.items.length > 0 ? alerts : undefined;
    }, 'the inventory alerts job');
    await page.getByRole('tab', { name: 'Open alerts' }).click();
    await page.getByRole('table', { name: 'Open alerts' }).getByText('Low stock').waitFor();
    await checkPage(page, 'inventory-alerts');

    // Lots view filtered by status, through the address.
    await page.goto('/inventory?view=lots&status=expired');
    const lots = page.getByRole('table', { name: 'Lots' });
    await lots.getByRole('link', { name: 'L-003' }).waitFor();
    expect(await lots.locator('tbody tr').count()).toBe(1);
    await checkPage(page, 'inventory-lots');
    expect(problems).toEqual([]);
  });

  it('edits the thresholds with a reason, registers a vendor, and receives choosing item and vendor by code', async () => {
    const { page, problems } = await adminPage();
    await page.goto(`/inventory/items/${await itemId()}`);
    // Edit the thresholds with a reason: 8 mL usable is no longer at or below a reorder point of 5.
    await page.getByRole('button', { name: 'Edit item' }).click();
    const edit = lotDialog(page, 'Edit item ETOH-96');
    await edit.getByLabel('Reorder point (mL)').fill('5');
    await edit.getByLabel('Reason').fill('Usage dropped after the method change');
    await checkPage(page, 'inventory-edit-item');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await page
      .locator('dd')
      .filter({ hasText: /^5 mL$/ })
      .waitFor();
    await checkPage(page, 'inventory-item');
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inventory' }).click();
    await page.getByRole('tab', { name: 'Low stock' }).click();
    await page.getByText('Every item has more usable stock than its reorder point.').waitFor();

    // Vendors: register one, then receive from the inventory page choosing item and vendor by code.
    await page.getByRole('tab', { name: 'Vendors' }).click();
    await page.getByRole('button', { name: 'Register vendor' }).click();
    const vendor = lotDialog(page, 'Register a vendor');
    await vendor.getByLabel('Code').fill('SIGMA');
    await vendor.getByLabel('Name').fill('Sigma-Aldrich');
    await vendor.getByLabel('Phone').fill('+44 1747 833000');
    await checkPage(page, 'inventory-register-vendor');
    await vendor.getByRole('button', { name: 'Register vendor' }).click();
    await page.getByRole('table', { name: 'Vendors' }).getByText('Sigma-Aldrich').waitFor();
    await checkPage(page, 'inventory-vendors');

    await page.getByRole('button', { name: 'Receive stock' }).click();
    const picked = lotDialog(page, 'Receive stock');
    await picked.getByRole('combobox', { name: 'Item' }).fill('ETOH');
    await page.getByRole('option', { name: 'ETOH-96 · Ethanol 96%' }).click();
    await picked.getByLabel('Lot number').fill('L-004');
    await picked.getByLabel('Quantity (mL)').fill('3');
    await picked.getByRole('combobox', { name: 'Vendor' }).fill('SIG');
    await page.getByRole('option', { name: 'SIGMA · Sigma-Aldrich' }).click();
    await checkPage(page, 'inventory-receive-picker');
    await picked.getByRole('button', { name: 'Receive' }).click();
    await page.getByRole('heading', { name: 'Lot L-004', level: 1 }).waitFor();
    expect(problems).toEqual([]);
  });

  it('shows the API refusal, and no stock actions, to a role without inventory permissions', async () => {
    // No seeded role reads the inventory without also receiving and consuming (technician has both),
    // so the denied view is a scientist's, who may not read it at all.
    await lab.api.createUser(lab.admin.token, 'sam@lab.test', ['scientist'], 'Sam Scientist');
    const item = await lab.api.call<{ id: string }>('POST', '/api/inventory/items', lab.admin.token, {
      code: 'ACN',
      name: 'Acetonitrile',
      category: 'solvent',
      unit: 'mL',
    });
    const received = await lab.api.call<{ lot: { id: string } }>(
      'POST',
      '/api/inventory/lots',
      lab.admin.token,
      {
        item_id: item.id,
        lot_number: 'A-1',
        quantity: 100,
      },
    );
    const { page } = await lab.page();
    await signIn(page, 'sam@lab.test');
    expect(
      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: 'Inventory' })
        .count(),
    ).toBe(0);
    await page.goto('/inventory');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('inventory:read');
    expect(await page.getByRole('button', { name: 'Receive stock' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Register item' }).count()).toBe(0);
    await checkPage(page, 'inventory-denied');
    await page.goto(`/inventory/lots/${received.lot.id}`);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('inventory:read');
    expect(await page.getByRole('button', { name: 'Consume' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Receive more' }).count()).toBe(0);
    await checkPage(page, 'inventory-lot-denied');

    // A technician receives and consumes, but the same lot page offers them every stock action.
    await lab.api.createUser(lab.admin.token, 'tess@lab.test', ['technician'], 'Tess Technician');
    const tech = await lab.page();
    await signIn(tech.page, 'tess@lab.test');
    await tech.page.goto(`/inventory/lots/${received.lot.id}`);
    await tech.page.getByRole('button', { name: 'Consume' }).waitFor();
    await tech.page.getByRole('button', { name: 'Quarantine' }).waitFor();
  });
});
