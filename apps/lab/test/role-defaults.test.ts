import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { applyRoleDefaults } from '../src/modules/accounts/role-defaults.service.ts';
import { listRoles } from '../src/modules/accounts/roles.repository.ts';
import { verifyChain } from '../src/modules/audit/audit-verifier.ts';
import { auditEntriesOf } from './support/audit-entries.ts';
import { useLabApp } from './support/lab-app.ts';
import { revokeRolePermission } from './support/role-changes.ts';

const lab = useLabApp();

const permissionsOf = async (role: string) =>
  (await listRoles(lab.db.kysely)).find((row) => row.name === role)?.permissions ?? [];

const appliedCount = async () =>
  (
    await lab.db.kysely
      .selectFrom('applied_defaults')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow()
  ).count;

describe('role defaults', () => {
  it('gives compliance workflows:approve at the first start of a lab on the migrated roles, audited', async () => {
    // The test lab's database is the migrated template, as a lab upgraded to this release: its
    // first start (createContext) applied the default.
    expect(await permissionsOf('compliance')).toContain('workflows:approve');
    const role = await lab.db.kysely
      .selectFrom('roles')
      .select('id')
      .where('name', '=', 'compliance')
      .executeTakeFirstOrThrow();
    const [grant] = await auditEntriesOf(lab, role.id);
    expect(grant).toMatchObject({
      action: 'role.permission_grant',
      after: { name: 'compliance', permissions: expect.arrayContaining(['workflows:approve']) },
      reason: expect.stringMatching(/admin and compliance/),
    });
    expect(grant?.before).toEqual({
      name: 'compliance',
      description: 'Read-only access to audit, runs, samples and workflows',
      permissions: expect.not.arrayContaining(['workflows:approve']),
    });
    expect(grant?.after).toMatchObject({ description: expect.stringMatching(/approves workflows/) });
    expect(await auditEntriesOf(lab, 'compliance-approves-workflows')).toEqual([
      expect.objectContaining({ action: 'default.apply', after: expect.objectContaining({ granted: true }) }),
    ]);
  });

  it('never grants it again once an operator took it away on purpose', async () => {
    // An operator took the default away, audited as any role change is.
    await revokeRolePermission(lab, 'compliance', 'workflows:approve', 'approvals by QA only at this site');
    const before = await appliedCount();
    expect(await applyRoleDefaults(lab.ctx)).toEqual([]);
    expect(await permissionsOf('compliance')).not.toContain('workflows:approve');
    expect(await appliedCount()).toBe(before);
  });

  it('applies a default once when instances start together, and records it when the role held it already', async () => {
    const preset = {
      name: 'test-scientist-reads-devices',
      role: 'scientist',
      permission: 'devices:read' as const,
      reason: 'test default',
    };
    const results = await Promise.all([1, 2, 3].map(() => applyRoleDefaults(lab.ctx, [preset])));
    expect(results.flat()).toEqual([preset.name]);
    // The scientist held it from the seed: nothing to grant, but the default is settled.
    expect(await auditEntriesOf(lab, preset.name)).toEqual([
      expect.objectContaining({
        action: 'default.apply',
        after: expect.objectContaining({ granted: false }),
      }),
    ]);
    expect((await lab.db.transaction((tx) => verifyChain(tx, { macKey: lab.ctx.auditMacKey }))).valid).toBe(
      true,
    );
  });

  it('refuses a role change without its audit entry, even by the server', async () => {
    await expect(
      lab.db.transaction((tx) =>
        sql`update roles set permissions = permissions || '{jobs:manage}' where name = 'technician'`.execute(
          tx,
        ),
      ),
    ).rejects.toThrow(/audit coverage/);
    expect(await permissionsOf('technician')).not.toContain('jobs:manage');
  });
});
