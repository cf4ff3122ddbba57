import { randomBytes } from 'node:crypto';
import type { TemplateClone } from './test-database.ts';
import { adminQuery, testAdminUrl } from './test-database.ts';

/**
 * A new, empty PostgreSQL database (no migrations applied) named `<prefix>_<random>`, with the URLs
 * a service is given for it: as `runtimeRole` and as the owner. For tests of what services do to a
 * database at their first start, several at once for example.
 */
export async function emptyPostgresDatabase(prefix: string, runtimeRole: string): Promise<TemplateClone> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = (user?: string) => {
    const parsed = new URL(testAdminUrl());
    parsed.pathname = `/${name}`;
    if (user) {
      parsed.username = user;
      parsed.password = '';
    }
    return parsed.toString();
  };
  return {
    runtimeUrl: url(runtimeRole),
    adminUrl: url(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
