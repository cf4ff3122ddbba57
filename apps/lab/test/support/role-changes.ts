import { sql } from 'kysely';
import type { LabTestApp } from './lab-app.ts';

/** An operator takes a permission away from a role, audited as any role change must be. */
export async function revokeRolePermission(
  lab: Pick<LabTestApp, 'db' | 'ctx'>,
  role: string,
  permission: string,
  reason: string,
): Promise<void> {
  await lab.db.transaction(async (tx) => {
    const { rows } = await sql<{ id: string }>`
      update roles set permissions = array_remove(permissions, ${permission})
      where name = ${role} returning id`.execute(tx);
    await lab.ctx.audit.append(tx, {
      actor_id: null,
      actor_email: 'operator@lab.test',
      action: 'role.permission_revoke',
      entity_type: 'role',
      entity_id: rows[0]?.id ?? '',
      before: null,
      after: null,
      reason,
      request_id: null,
      client_ip: null,
    });
  });
}
