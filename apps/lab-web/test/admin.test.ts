import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkPage } from './support/browser.ts';
import { goodPassword } from './support/lab-api.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';

const lab = setUpBrowserLab({ env: { LAB_LOCKOUT_ATTEMPTS: '3' } });

interface User {
  id: string;
  active: boolean;
  roles: string[];
  lab_ids: string[];
  locked_until: string | null;
}

const getUser = (id: string) => lab.api.call<User>('GET', `/api/admin/users/${id}`, lab.admin.token);

/** Signs in as the administrator and opens a page. */
async function adminAt(path: string) {
  const opened = await lab.page();
  await signIn(opened.page, lab.admin.email);
  await opened.page.goto(path);
  return opened;
}

/** Fills the reason of the open reason dialog and confirms it with `confirm`. */
async function confirmWithReason(dialog: Locator, reason: string, confirm: string) {
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: confirm, exact: true }).click();
}

/** Picks an option of a React Aria select by its label. */
async function choose(scope: Page | Locator, page: Page, label: string, option: string | RegExp) {
  await scope.getByRole('button', { name: new RegExp(`${label}$`) }).click();
  await page.getByRole('option', { name: option }).click();
}

describe('administration in the browser', () => {
  it('creates a user with roles, deactivates and reactivates them with a reason, and resets their password', async () => {
    const { page, problems } = await adminAt('/');
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Administration' })
      .click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'Ada Admin' }).waitFor();
    const subNav = page.getByRole('navigation', { name: 'Administration' });
    await expect(subNav.getByRole('link').allTextContents()).resolves.toEqual([
      'Users',
      'Labs',
      'Nodes and hubs',
      'Jobs',
    ]);
    await checkPage(page, 'admin-users');

    await page.getByRole('button', { name: 'Create user' }).click();
    const create = page.getByRole('dialog', { name: 'Create a user' });
    await create.getByLabel('Full name').fill('Tess Tester');
    await create.getByLabel('E-mail').fill('tess@lab.test');
    await create.getByLabel('First password').fill(goodPassword);
    await create.getByText('scientist', { exact: true }).click();
    await create.getByText('technician', { exact: true }).click();
    await checkPage(page, 'admin-create-user');
    await create.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('heading', { name: 'Tess Tester', level: 1 }).waitFor();
    const userId = /\/admin\/users\/([0-9a-f-]+)/.exec(page.url())?.[1] ?? '';
    await expect(getUser(userId)).resolves.toMatchObject({
      active: true,
      roles: ['scientist', 'technician'],
    });
    const roles = page.getByRole('list', { name: 'Roles held' });
    await roles.getByText('scientist', { exact: true }).waitFor();
    await checkPage(page, 'admin-user');

    const account = page.getByRole('region', { name: 'Account' });
    await account.getByRole('button', { name: 'Deactivate' }).click();
    const deactivate = page.getByRole('dialog', { name: 'Deactivate Tess Tester' });
    await expect(
      deactivate.getByRole('button', { name: 'Deactivate', exact: true }).isDisabled(),
    ).resolves.toBe(true);
    await checkPage(page, 'admin-user-deactivate');
    await confirmWithReason(deactivate, 'Left the company', 'Deactivate');
    await account.getByText('Deactivated', { exact: true }).waitFor();
    await expect(getUser(userId)).resolves.toMatchObject({ active: false });
    await expect(lab.api.login('tess@lab.test')).rejects.toThrow(/401|403/);

    await account.getByRole('button', { name: 'Reactivate' }).click();
    await confirmWithReason(
      page.getByRole('dialog', { name: 'Reactivate Tess Tester' }),
      'Rehired',
      'Reactivate',
    );
    await account.getByText('Active', { exact: true }).waitFor();
    await expect(lab.api.login('tess@lab.test')).resolves.toBeTruthy();

    await account.getByRole('button', { name: 'Reset password' }).click();
    const reset = page.getByRole('dialog', { name: 'Reset the password of Tess Tester' });
    await reset.getByLabel('New password').fill('short');
    await confirmWithReason(reset, 'Forgotten password', 'Reset password');
    await reset.getByRole('alert').waitFor();
    await reset.getByLabel('New password').fill('Fresh-Bench-2027?');
    await reset.getByRole('button', { name: 'Reset password', exact: true }).click();
    await reset.waitFor({ state: 'detached' });
    await expect(lab.api.login('tess@lab.test', 'Fresh-Bench-2027?')).resolves.toBeTruthy();
    expect(problems).toEqual([]);
  });

  it('unlocks an account locked by failed sign-ins', async () => {
    const userId = await lab.api.createUser(lab.admin.token, 'locky@lab.test', ['technician'], 'Lou Locked');
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(lab.api.login('locky@lab.test', 'Wrong-password-1!')).rejects.toThrow();
    }
    await expect(lab.api.login('locky@lab.test')).rejects.toThrow(/423/);
    const { page, problems } = await adminAt(`/admin?status=locked`);
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('link', { name: 'Lou Locked' }).click();
    const account = page.getByRole('region', { name: 'Account' });
    await account.getByText('Locked', { exact: true }).waitFor();
    await account.getByText('Locked until').waitFor();
    await account.getByRole('button', { name: 'Unlock' }).click();
    await confirmWithReason(
      page.getByRole('dialog', { name: 'Unlock Lou Locked' }),
      'Verified identity by phone',
      'Unlock',
    );
    await account.getByRole('button', { name: 'Unlock' }).waitFor({ state: 'detached' });
    await expect(getUser(userId)).resolves.toMatchObject({ locked_until: null });
    await expect(lab.api.login('locky@lab.test')).resolves.toBeTruthy();
    expect(problems).toEqual([]);
  });

  it('grants and revokes a role, and shows why the last administrator cannot lose admin', async () => {
    const userId = await lab.api.createUser(lab.admin.token, 'rory@lab.test', ['technician'], 'Rory Roles');
    const { page, problems } = await adminAt(`/admin/users/${userId}`);
    const rolesCard = page.getByRole('region', { name: 'Roles' });
    await rolesCard.getByRole('button', { name: 'Grant a role' }).click();
    const grant = page.getByRole('dialog', { name: 'Grant a role to Rory Roles' });
    await choose(grant, page, 'Role', 'compliance');
    await checkPage(page, 'admin-grant-role');
    await confirmWithReason(grant, 'Joins the QA review rota', 'Grant role');
    const held = page.getByRole('list', { name: 'Roles held' });
    await held.getByText('compliance', { exact: true }).waitFor();
    await expect(getUser(userId)).resolves.toMatchObject({ roles: ['compliance', 'technician'] });

    await held.getByRole('button', { name: 'Revoke the role technician' }).click();
    await confirmWithReason(
      page.getByRole('dialog', { name: 'Revoke the role technician from Rory Roles' }),
      'Moved to QA',
      'Revoke role',
    );
    await held.getByText('technician', { exact: true }).waitFor({ state: 'detached' });
    await expect(getUser(userId)).resolves.toMatchObject({ roles: ['compliance'] });

    // The one administrator: the API refuses, and the dialog says why.
    await page.goto('/admin');
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: 'Ada Admin' }).click();
    await page.getByRole('heading', { name: 'Ada Admin', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Revoke the role admin' }).click();
    const revoke = page.getByRole('dialog', { name: 'Revoke the role admin from Ada Admin' });
    await confirmWithReason(revoke, 'Testing the safeguard', 'Revoke role');
    await revoke
      .getByRole('alert')
      .getByText('The last active administrator cannot lose the admin role')
      .waitFor();
    await checkPage(page, 'admin-last-admin');
    await revoke.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('region', { name: 'Account' }).getByRole('button', { name: 'Deactivate' }).click();
    const deactivate = page.getByRole('dialog', { name: 'Deactivate Ada Admin' });
    await confirmWithReason(deactivate, 'Testing the safeguard', 'Deactivate');
    await deactivate
      .getByRole('alert')
      .getByText('The last active administrator cannot be deactivated')
      .waitFor();
    expect(problems).toEqual([]);
  });

  it('creates a lab and adds a member to it', async () => {
    const userId = await lab.api.createUser(lab.admin.token, 'mia@lab.test', ['scientist'], 'Mia Member');
    const { page, problems } = await adminAt('/admin');
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Labs' })
      .click();
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Labs' });
    await table.locator('tbody tr').first().waitFor();
    await checkPage(page, 'admin-labs');

    await page.getByRole('button', { name: 'Create lab' }).click();
    const create = page.getByRole('dialog', { name: 'Create a lab' });
    await create.getByLabel('Code').fill('bos-2');
    await create.getByLabel('Name').fill('Boston bench');
    await checkPage(page, 'admin-create-lab');
    await create.getByRole('button', { name: 'Create lab' }).click();
    const row = table.getByRole('row', { name: /BOS-2/ });
    await row.getByText('Boston bench').waitFor();
    // Whoever creates a lab is its first member; Mia is not one yet.
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('Ada Admin');

    await row.getByRole('button', { name: 'Add member to BOS-2' }).click();
    const add = page.getByRole('dialog', { name: 'Add a member to BOS-2 · Boston bench' });
    await choose(add, page, 'Person', /Mia Member/);
    await confirmWithReason(add, 'Works at the Boston bench', 'Add member');
    await row.getByRole('link', { name: 'Mia Member' }).waitFor();
    const labs = await lab.api.call<{ id: string; code: string }[]>(
      'GET',
      '/api/admin/labs',
      lab.admin.token,
    );
    const boston = labs.find((candidate) => candidate.code === 'BOS-2');
    await expect(getUser(userId).then((user) => user.lab_ids)).resolves.toContain(boston?.id);
    expect(problems).toEqual([]);
  });

  it('registers a node and a hub on it', async () => {
    const { page, problems } = await adminAt('/admin/sites');
    await page.getByRole('heading', { name: 'Nodes and hubs', level: 1 }).waitFor();
    await page.getByText('No node is registered in your labs.').waitFor();
    await page.getByRole('button', { name: 'Register node' }).click();
    const node = page.getByRole('dialog', { name: 'Register a node' });
    await node.getByLabel('Host name').fill('bench-pc-07.lab.local');
    await node.getByLabel('Description').fill('HPLC bench, room 2');
    await checkPage(page, 'admin-register-node');
    await node.getByRole('button', { name: 'Register node' }).click();
    await page.getByRole('table', { name: 'Nodes' }).getByText('HPLC bench, room 2').waitFor();

    await page.getByRole('button', { name: 'Register hub' }).click();
    const hub = page.getByRole('dialog', { name: 'Register a hub' });
    await hub.getByLabel('Name').fill('HPLC gateway');
    await choose(hub, page, 'Node', 'bench-pc-07.lab.local');
    await hub.getByRole('button', { name: 'Register hub' }).click();
    const hubRow = page.getByRole('table', { name: 'Hubs' }).getByRole('row', { name: /HPLC gateway/ });
    await hubRow.getByText('bench-pc-07.lab.local').waitFor();
    await checkPage(page, 'admin-sites');

    // The same host name twice: the API's refusal, in the dialog.
    await page.getByRole('button', { name: 'Register node' }).click();
    await node.getByLabel('Host name').fill('bench-pc-07.lab.local');
    await node.getByRole('button', { name: 'Register node' }).click();
    await node.getByRole('alert').getByText('bench-pc-07.lab.local is already registered').waitFor();
    expect(problems).toEqual([]);
  });

  it('shows the job schedules and runs a job on demand', async () => {
    const { page, problems } = await adminAt('/admin/jobs');
    await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
    const schedules = page.getByRole('table', { name: 'Job schedules' });
    await schedules.getByText('audit-checkpoint').waitFor();
    await schedules.getByText('inventory-alerts').waitFor();
    await page.getByRole('button', { name: 'Run now: audit-checkpoint' }).click();
    await page.getByText('The run is queued').waitFor();
    await page
      .getByRole('table', { name: /Recent job runs/ })
      .getByRole('row', { name: /audit-checkpoint manual/ })
      .first()
      .waitFor({ timeout: 20_000 });
    await checkPage(page, 'admin-jobs');
    expect(problems).toEqual([]);
  });
});
