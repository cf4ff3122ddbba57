import { randomBytes } from 'node:crypto';
import { createUser, type NewUser } from '../src/modules/accounts/accounts.service.ts';
import type { UserView } from '../src/modules/accounts/users.repository.ts';
import { auditMacKey } from '../src/modules/audit/audit-hash.ts';
import { createAuditTrail } from '../src/modules/audit/audit-trail.ts';
import type { LabBenchDatabase } from './bench-database.ts';

/** The password every bench account signs in with. */
export const benchPassword = 'Lab-Bench-2026!';

/**
 * Creates accounts (as the system, before the server starts; applies the lab's migrations on the
 * way) and answers them in order. The server seals with its own key; these entries are never
 * verified, so any key will do.
 */
export async function createBenchUsers(
  database: LabBenchDatabase,
  accounts: Omit<NewUser, 'password'>[],
): Promise<UserView[]> {
  const system = { actor_id: null, actor_email: 'system:bench', request_id: null, client_ip: null };
  const audit = createAuditTrail(auditMacKey(randomBytes(32)));
  const db = await database.open(2);
  try {
    const created: UserView[] = [];
    for (const account of accounts) {
      created.push(
        await db.transaction((tx) =>
          createUser({ audit }, tx, { ...account, password: benchPassword }, system),
        ),
      );
    }
    return created;
  } finally {
    await db.close();
  }
}
