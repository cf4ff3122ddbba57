import type { LabContext } from '../../context.ts';
import type { Permission } from '../access/index.ts';
import type { AuditActor, AuditInput } from '../audit/index.ts';
import { claimDefault } from './applied-defaults.repository.ts';
import { addRolePermission } from './roles.repository.ts';

/** A permission a release gives a seeded role by default. */
interface RoleDefault {
  /** Recorded in `applied_defaults` once applied; never reused for another default. */
  name: string;
  role: string;
  permission: Permission;
  /** The role's new description, if it still reads as seeded (an operator's own wording stays). */
  describe?: { from: string; to: string };
  reason: string;
}

export const roleDefaults: readonly RoleDefault[] = [
  {
    name: 'compliance-approves-workflows',
    role: 'compliance',
    permission: 'workflows:approve',
    describe: {
      from: 'Read-only access to audit, runs, samples and workflows',
      to: 'Read access to audit, runs, samples and workflows; approves workflows',
    },
    reason: 'Default of this release: workflows are approved by admin and compliance (issue 10)',
  },
];

const system: AuditActor = {
  actor_id: null,
  actor_email: 'system:defaults',
  request_id: null,
  client_ip: null,
};

/**
 * Applies each role default that this database has never had, at start: on a new lab and on one
 * upgraded to this release alike. Each is applied once, audited, in one transaction with the record
 * that it was; it is never applied again, so a permission an operator later takes away stays away.
 * Instances starting together apply each default once. Answers the names applied now.
 */
export async function applyRoleDefaults(
  ctx: Pick<LabContext, 'db' | 'audit' | 'now'>,
  defaults: readonly RoleDefault[] = roleDefaults,
): Promise<string[]> {
  const applied: string[] = [];
  for (const preset of defaults) {
    const done = await ctx.db.transaction(async (tx) => {
      if (!(await claimDefault(tx, preset.name, ctx.now()))) return false;
      const granted = await addRolePermission(tx, preset.role, preset.permission, preset.describe);
      const entries: AuditInput[] = [];
      if (granted) {
        entries.push({
          ...system,
          action: 'role.permission_grant',
          entity_type: 'role',
          entity_id: granted.id,
          before: { name: preset.role, ...granted.before },
          after: { name: preset.role, ...granted.after },
          reason: preset.reason,
        });
      }
      // Also when nothing changed (the role held it already, or is gone): the default is settled.
      entries.push({
        ...system,
        action: 'default.apply',
        entity_type: 'applied_default',
        entity_id: preset.name,
        before: null,
        after: { role: preset.role, permission: preset.permission, granted: granted !== undefined },
        reason: preset.reason,
      });
      await ctx.audit.appendMany(tx, entries);
      return true;
    });
    if (done) applied.push(preset.name);
  }
  return applied;
}
