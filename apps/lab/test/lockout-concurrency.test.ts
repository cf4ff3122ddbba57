import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../src/modules/audit/audit-verifier.ts';
import { goodPassword, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ DATABASE_POOL_SIZE: '20' });
const onServer = process.env.TEST_DB === 'postgres';

describe('lockout under concurrency (PostgreSQL)', () => {
  it.runIf(onServer)('20 simultaneous wrong passwords lock the account once and lose no count', async () => {
    const user = await lab.user([]);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        lab.app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: { email: user.email, password: `Wrong-password-${n}!` },
        }),
      ),
    );
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.every((status) => status === 401 || status === 423)).toBe(true);
    const state = await lab.db.kysely
      .selectFrom('users')
      .select(['failed_attempts', sql<boolean>`locked_until > now()`.as('locked')])
      .where('id', '=', user.id)
      .executeTakeFirst();
    expect(state?.locked).toBe(true);
    const lockouts = await lab.db.kysely
      .selectFrom('audit_entries')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('entity_id', '=', user.id)
      .where('action', '=', 'auth.lockout')
      .executeTakeFirst();
    expect(lockouts?.count).toBe(1);
    const login = await lab.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: goodPassword },
    });
    expect(login.statusCode).toBe(423);
    const chain = await lab.db.transaction((tx) => verifyChain(tx, { macKey: lab.ctx.auditMacKey }));
    expect(chain.valid).toBe(true);
  });
});
