import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPage } from './support/browser.ts';
import { goodPassword } from './support/lab-api.ts';
import { setUpBrowserLab, signIn } from './support/lab-session.ts';

const lab = setUpBrowserLab();

/** The roles a new lab has (apps/lab/migrations); what each grants is read from the lab itself. */
const roleNames = ['admin', 'compliance', 'scientist', 'technician'];
const roles: Record<string, string[]> = {};

/** The main sections as layout/navigation.ts maps them to the permission that reads each. */
const sections = [
  { label: 'Dashboard', path: '/', permission: undefined },
  { label: 'Samples', path: '/samples', permission: 'samples:read' },
  { label: 'Inventory', path: '/inventory', permission: 'inventory:read' },
  { label: 'Instruments', path: '/instruments', permission: 'devices:read' },
  { label: 'Workflows', path: '/workflows', permission: 'workflows:read' },
  { label: 'Runs', path: '/runs', permission: 'runs:read' },
  { label: 'Audit trail', path: '/audit', permission: 'audit:read' },
  { label: 'Administration', path: '/admin', permission: 'users:manage' },
] as const;

/**
 * The pages checked for each role: the permission reading it, its h1, and the actions on it, each
 * with the permission it needs (shown to whoever holds it, absent for everyone else).
 */
const pages: { path: string; title: string; read: string; actions: [RegExp, string][] }[] = [
  {
    path: '/samples',
    title: 'Samples',
    read: 'samples:read',
    actions: [[/^Register sample/, 'samples:create']],
  },
  {
    path: '/inventory',
    title: 'Inventory',
    read: 'inventory:read',
    actions: [[/^Receive stock/, 'inventory:create']],
  },
  {
    path: '/instruments',
    title: 'Instruments',
    read: 'devices:read',
    actions: [
      [/^Register device/, 'devices:manage'],
      [/^Record calibration/, 'calibration:create'],
    ],
  },
  {
    path: '/workflows',
    title: 'Workflows',
    read: 'workflows:read',
    actions: [[/^New workflow/, 'workflows:create']],
  },
  { path: '/runs', title: 'Runs', read: 'runs:read', actions: [[/^Start (a )?run/, 'runs:create']] },
  {
    path: '/audit',
    title: 'Audit trail',
    read: 'audit:read',
    actions: [
      [/^Verify the chain$/, 'audit:read'],
      [/^Export CSV$/, 'audit:export'],
      [/^Export JSON$/, 'audit:export'],
    ],
  },
  { path: '/admin', title: 'Users', read: 'users:manage', actions: [[/^Create user$/, 'users:manage']] },
  { path: '/admin/labs', title: 'Labs', read: 'sites:manage', actions: [[/^Create lab$/, 'sites:manage']] },
  {
    path: '/admin/sites',
    title: 'Nodes and hubs',
    read: 'devices:read',
    actions: [
      [/^Register node$/, 'devices:manage'],
      [/^Register hub$/, 'devices:manage'],
    ],
  },
  { path: '/admin/jobs', title: 'Jobs', read: 'jobs:manage', actions: [[/^Run now/, 'jobs:manage']] },
];

const holds = (role: string, permission: string | undefined) =>
  permission === undefined || roles[role]?.includes('*') || roles[role]?.includes(permission);

let sampleId = '';
let signatureId = '';
let adminUserId = '';

beforeAll(async () => {
  const token = lab.admin.token;
  const granted = await lab.api.call<{ name: string; permissions: string[] }[]>(
    'GET',
    '/api/admin/roles',
    token,
  );
  for (const role of granted) roles[role.name] = role.permissions;
  const me = await lab.api.call<{ id: string }>('GET', '/auth/me', token);
  adminUserId = me.id;
  const sample = await lab.api.call<{ id: string }>('POST', '/api/samples', token, {
    sample_id: 'PERM-1',
    sample_type: 'serum',
    quantity: 1,
    unit: 'mL',
  });
  sampleId = sample.id;
  signatureId = (
    await lab.api.call<{ id: string }>('POST', '/api/signatures', token, {
      record_type: 'sample',
      record_id: sampleId,
      meaning: 'reviewed',
      reason: 'Permission test',
      password: goodPassword,
    })
  ).id;
});

/**
 * The page's h1 once shown, the signed-in person known (the header names them: actions are shown by
 * their permissions) and the page's loading states done, so an absent action is truly absent.
 */
async function settled(page: Page, title: string, fullName: string) {
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page
    .getByRole('banner')
    .getByRole('link', { name: new RegExp(fullName) })
    .waitFor();
  await page.locator('.loading').first().waitFor({ state: 'detached' });
}

/** Buttons and links in the page's main area whose name matches. */
function actions(page: Page, name: RegExp) {
  const main = page.getByRole('main');
  return main.getByRole('button', { name }).or(main.getByRole('link', { name }));
}

describe('what each role sees', () => {
  it('has the roles a new lab is seeded with', () => {
    expect(Object.keys(roles).sort()).toEqual(roleNames);
  });

  it.each(roleNames)('%s: navigation, permission messages and actions', async (role) => {
    const email = `${role}@perm.test`;
    await lab.api.createUser(lab.admin.token, email, [role], `Only ${role}`);
    const { page, problems } = await lab.page();
    await signIn(page, email);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'My pending approvals' }).waitFor();

    // The navigation shows exactly the sections the role may read.
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual(
      sections.filter((section) => holds(role, section.permission)).map((section) => section.label),
    );
    await checkPage(page, `role-${role}-dashboard`);

    let deniedChecked = false;
    for (const { path, title, read, actions: pageActions } of pages) {
      await page.goto(path);
      if (!holds(role, read)) {
        // A page it may not read: the API's refusal in words, never a blank page or a stack.
        const alert = page.getByRole('main').getByRole('alert');
        await alert.getByText(`This needs the ${read} permission`).first().waitFor();
        await expect(page.getByRole('heading', { level: 1 }).count(), `one h1 on ${path}`).resolves.toBe(1);
        if (!deniedChecked) await checkPage(page, `role-${role}-denied`);
        deniedChecked = true;
        continue;
      }
      await settled(page, title, `Only ${role}`);
      for (const [name, permission] of pageActions) {
        const shown = (await actions(page, name).count()) > 0;
        expect(shown, `${name} on ${path} for ${role}`).toBe(holds(role, permission));
      }
    }

    // A signature, readable by every role (signatures:read); the record's trail only by auditors.
    await page.goto(`/signatures/${signatureId}`);
    await page.getByText('Signature valid', { exact: true }).waitFor();
    await page.getByText('Record unchanged since signing', { exact: true }).waitFor();
    await page
      .getByRole('banner')
      .getByRole('link', { name: new RegExp(`Only ${role}`) })
      .waitFor();
    await expect(page.getByRole('link', { name: 'Audit trail of this record' }).count()).resolves.toBe(
      holds(role, 'audit:read') ? 1 : 0,
    );

    // An account's page is for administrators only.
    await page.goto(`/admin/users/${adminUserId}`);
    if (holds(role, 'users:manage')) {
      await page.getByRole('heading', { name: 'Ada Admin', level: 1 }).waitFor();
    } else {
      await page
        .getByRole('main')
        .getByRole('alert')
        .getByText('This needs the users:manage permission')
        .waitFor();
    }
    expect(problems).toEqual([]);
  });
});
