import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../src/modules/audit/audit.repository.ts';
import { checkpointIfDue } from '../src/modules/audit/checkpoint.service.ts';
import { bearer, type LabTestApp, type TestAccount, useLabApp } from './support/lab-app.ts';
import { asSuperuser } from './support/superuser.ts';

/** An entry as the API shows it. */
type Entry = AuditEntry;

const lab = useLabApp();
let admin: TestAccount;
let auditor: TestAccount;
/** A user renamed four times by the admin: a known set of `user.update` entries. */
let subject: TestAccount;

const get = (target: LabTestApp, url: string, token: string) =>
  target.app.inject({ method: 'GET', url, headers: bearer(token) });

async function rename(target: LabTestApp, token: string, userId: string, fullName: string, reason: string) {
  const response = await target.app.inject({
    method: 'PATCH',
    url: `/api/admin/users/${userId}`,
    headers: bearer(token),
    payload: { full_name: fullName, reason },
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** One page of the trail, as the given user. */
async function page(query: string, token = auditor.token, target = lab) {
  const response = await get(target, `/api/compliance/audit?${query}`, token);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { items: Entry[]; next_cursor: string | null };
}

/** Every entry matching `query`, following next_cursor page by page. */
async function allPages(query: string, limit: number) {
  const seen: Entry[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const result = await page(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(result.items.length).toBeLessThanOrEqual(limit);
    seen.push(...result.items);
    cursor = result.next_cursor;
    pages += 1;
  } while (cursor !== null && pages < 100);
  return { seen, pages };
}

beforeAll(async () => {
  admin = await lab.user(['admin'], { email: 'audit.admin@lab.test' });
  auditor = await lab.user(['compliance']);
  subject = await lab.user(['scientist'], { full_name: 'Name 0' });
  for (let n = 1; n <= 4; n += 1) await rename(lab, admin.token, subject.id, `Name ${n}`, `rename ${n}`);
});

describe('reading the audit trail', () => {
  it('is open to compliance and admins, not to scientists', async () => {
    const scientist = await lab.user(['scientist']);
    expect((await get(lab, '/api/compliance/audit', admin.token)).statusCode).toBe(200);
    const forbidden = await get(lab, '/api/compliance/audit', scientist.token);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');
  });

  it('lists entries newest first', async () => {
    const other = await lab.user([]);
    await rename(lab, admin.token, other.id, 'Newest', 'the newest change');
    const { items } = await page('limit=500');
    expect(items[0]).toMatchObject({
      action: 'user.update',
      entity_id: other.id,
      reason: 'the newest change',
    });
    const seqs = items.map((entry) => entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('filters by actor (id or e-mail in any case), action, entity type and entity id', async () => {
    const byId = await page(`actor=${admin.id}&action=user.update&entity_id=${subject.id}`);
    expect(byId.items.map((entry) => entry.reason)).toEqual(['rename 4', 'rename 3', 'rename 2', 'rename 1']);
    expect(byId.items.every((entry) => entry.actor_id === admin.id)).toBe(true);
    const byEmail = await page(`actor=AUDIT.Admin@lab.test&action=user.update&entity_id=${subject.id}`);
    expect(byEmail.items.map((entry) => entry.seq)).toEqual(byId.items.map((entry) => entry.seq));

    const logins = await page(`action=auth.login&entity_type=user&entity_id=${auditor.id}`);
    expect(logins.items).toHaveLength(1);
    expect(logins.items[0]).toMatchObject({ actor_id: auditor.id, entity_id: auditor.id });

    const nobody = await page(`actor=${randomUUID()}`);
    expect(nobody).toEqual({ items: [], next_cursor: null });
    const otherType = await page(`entity_type=sample&entity_id=${subject.id}`);
    expect(otherType.items).toEqual([]);
  });

  it('filters by time: from is inclusive, to exclusive', async () => {
    const { items } = await page(`entity_id=${subject.id}&limit=500`);
    const pivot = items[Math.floor(items.length / 2)] as Entry;
    const at = (entry: Entry) => new Date(entry.occurred_at).getTime();
    const pivotTime = encodeURIComponent(pivot.occurred_at);
    const from = await page(`entity_id=${subject.id}&limit=500&from=${pivotTime}`);
    const to = await page(`entity_id=${subject.id}&limit=500&to=${pivotTime}`);
    expect(from.items.map((entry) => entry.seq)).toEqual(
      items.filter((entry) => at(entry) >= at(pivot)).map((entry) => entry.seq),
    );
    expect(to.items.map((entry) => entry.seq)).toEqual(
      items.filter((entry) => at(entry) < at(pivot)).map((entry) => entry.seq),
    );
    expect(from.items.length + to.items.length).toBe(items.length);
    const future = await page(`from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    expect(future.items).toEqual([]);
  });

  it('answers 400 for a date that is not one', async () => {
    for (const bad of ['yesterday', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z']) {
      const response = await get(lab, `/api/compliance/audit?from=${bad}`, auditor.token);
      expect(response.statusCode, bad).toBe(400);
    }
    expect((await get(lab, '/api/compliance/audit?to=not-a-date', auditor.token)).statusCode).toBe(400);
  });

  it('pages with limit and next_cursor through every entry exactly once', async () => {
    const everything = (await page('limit=500')).items.map((entry) => entry.seq);
    expect(everything.length).toBeGreaterThan(8);
    const { seen, pages } = await allPages('', 3);
    expect(seen.map((entry) => entry.seq)).toEqual(everything);
    expect(pages).toBe(Math.ceil(everything.length / 3));

    const filtered = await allPages(`action=user.update&entity_id=${subject.id}`, 2);
    expect(filtered.seen.map((entry) => entry.reason)).toEqual([
      'rename 4',
      'rename 3',
      'rename 2',
      'rename 1',
    ]);
    expect(filtered.pages).toBe(2);
  });

  it('answers 400 for a bad cursor or limit', async () => {
    for (const query of ['cursor=abc', 'cursor=0', 'cursor=-5', 'limit=0', 'limit=501', 'unknown=1']) {
      const response = await get(lab, `/api/compliance/audit?${query}`, auditor.token);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe('validation_failed');
    }
  });
});

describe('attribution', () => {
  it('records the request id sent by the client and the client address', async () => {
    const requestId = `trace:${randomUUID().slice(0, 8)}.A_b-1`;
    const response = await lab.app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${subject.id}`,
      headers: { ...bearer(admin.token), 'x-request-id': requestId },
      remoteAddress: '203.0.113.50',
      payload: { full_name: 'Traced Name', reason: 'traced change' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toBe(requestId);
    const [entry] = (await page(`action=user.update&entity_id=${subject.id}&limit=1`)).items;
    expect(entry).toMatchObject({
      reason: 'traced change',
      request_id: requestId,
      client_ip: '203.0.113.50',
      actor_id: admin.id,
      actor_email: admin.email,
    });
  });

  it('replaces a malformed request id with its own, and records that one', async () => {
    const response = await lab.app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${subject.id}`,
      headers: { ...bearer(admin.token), 'x-request-id': 'short' },
      payload: { full_name: 'Untraced Name', reason: 'untraced change' },
    });
    expect(response.statusCode).toBe(200);
    const generated = response.headers['x-request-id'];
    expect(generated).not.toBe('short');
    const [entry] = (await page(`action=user.update&entity_id=${subject.id}&limit=1`)).items;
    expect(entry?.request_id).toBe(generated);
  });
});

describe('the trail is append-only for the runtime role', () => {
  it('refuses update, delete and truncate as lab_app', async () => {
    for (const statement of [
      sql`update audit_entries set reason = 'rewritten' where seq = 1`,
      sql`delete from audit_entries where seq = 1`,
      sql`delete from audit_entries`,
      sql`truncate audit_entries`,
    ]) {
      await expect(lab.db.transaction((tx) => statement.execute(tx))).rejects.toThrow();
    }
    const verify = await get(lab, '/api/compliance/audit/verify', auditor.token);
    expect(verify.json()).toMatchObject({ valid: true, first_invalid_seq: null });
  });
});

describe('exporting the trail', () => {
  it('as JSON: the verification summary and the filtered entries oldest first', async () => {
    const response = await get(
      lab,
      `/api/compliance/audit/export?format=json&action=user.update&entity_id=${subject.id}`,
      auditor.token,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="audit-.+\.json"$/);
    const body = response.json();
    expect(body.verification).toMatchObject({ valid: true, first_invalid_seq: null });
    expect(body.filter).toEqual({ action: 'user.update', entity_id: subject.id });
    expect(body.entries.map((entry: Entry) => entry.reason).slice(0, 4)).toEqual([
      'rename 1',
      'rename 2',
      'rename 3',
      'rename 4',
    ]);
    expect(body.entries.every((entry: Entry) => entry.action === 'user.update')).toBe(true);
    const header = response.headers['x-audit-verification'];
    expect(header).toBe(
      `valid=true; checked=${body.verification.checked}; head_hash=${body.verification.head_hash}; first_invalid_seq=none`,
    );
  });

  it('as CSV: a header row, then one row per entry', async () => {
    const response = await get(
      lab,
      `/api/compliance/audit/export?format=csv&entity_id=${subject.id}`,
      auditor.token,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['x-audit-verification']).toMatch(/^valid=true; checked=\d+; /);
    const rows: string[][] = parse(response.body);
    expect(rows[0]).toEqual([
      'seq',
      'occurred_at',
      'actor_id',
      'actor_email',
      'action',
      'entity_type',
      'entity_id',
      'before',
      'after',
      'reason',
      'request_id',
      'client_ip',
      'prev_hash',
      'hash',
    ]);
    const { items } = await page(`entity_id=${subject.id}&limit=500`);
    const data = rows.slice(1);
    expect(data.map((row) => Number(row[0]))).toEqual(items.map((entry) => entry.seq).reverse());
    const rename1 = data.find((row) => row[9] === 'rename 1');
    expect(rename1?.[4]).toBe('user.update');
    expect(JSON.parse(rename1?.[8] ?? 'null')).toEqual({ full_name: 'Name 1' });
  });

  it('prefixes cells a spreadsheet would run as a formula with an apostrophe', async () => {
    const formula = '=HYPERLINK("http://evil.example/","click")';
    await rename(lab, admin.token, subject.id, formula, formula);
    // Anyone can put a claimed e-mail into the trail through a failed login.
    const claimed = '+cmd@evil.example';
    const login = await lab.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: claimed, password: 'Whatever-123!' },
    });
    expect(login.statusCode).toBe(401);

    const response = await get(lab, '/api/compliance/audit/export?format=csv', auditor.token);
    const rows: string[][] = parse(response.body);
    const renamed = rows.find((row) => row[4] === 'user.update' && row[9]?.includes('HYPERLINK'));
    expect(renamed?.[9]).toBe(`'${formula}`);
    const failed = rows.find((row) => row[4] === 'auth.login_failed' && row[3]?.includes('cmd@'));
    expect(failed?.[3]).toBe(`'${claimed}`);
    // No cell anywhere starts with a formula character.
    expect(rows.flat().filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    // The JSON export carries the value as stored.
    const json = await get(
      lab,
      `/api/compliance/audit/export?format=json&entity_id=${subject.id}`,
      auditor.token,
    );
    expect(json.json().entries.at(-1).reason).toBe(formula);
  });

  it('needs audit:export: compliance and admins yes, technicians no', async () => {
    const technician = await lab.user(['technician']);
    const forbidden = await get(lab, '/api/compliance/audit/export?format=csv', technician.token);
    expect(forbidden.statusCode).toBe(403);
    expect((await get(lab, '/api/compliance/audit/export', admin.token)).statusCode).toBe(200);
    expect((await get(lab, '/api/compliance/audit/export?format=xml', auditor.token)).statusCode).toBe(400);
  });
});

describe('verifying the chain', () => {
  // Tampering breaks the chain for good: a database of its own.
  const tampered = useLabApp();

  it('is valid untouched, and names the exact entry whose reason was edited behind the API', async () => {
    const chief = await tampered.user(['admin']);
    const target = await tampered.user([]);
    for (let n = 1; n <= 3; n += 1)
      await rename(tampered, chief.token, target.id, `Renamed ${n}`, `reason ${n}`);
    const verify = () => get(tampered, '/api/compliance/audit/verify', chief.token);
    const before = await verify();
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ valid: true, first_invalid_seq: null, reason: null });
    const total = before.json().checked as number;

    const [edited] = (
      await page(`action=user.update&entity_id=${target.id}`, chief.token, tampered)
    ).items.filter((entry) => entry.reason === 'reason 2');
    expect(edited).toBeDefined();
    const seq = edited?.seq as number;
    expect(seq).toBeLessThan(total);
    await asSuperuser(
      tampered.db,
      `ALTER TABLE audit_entries DISABLE TRIGGER USER;
       UPDATE audit_entries SET reason = 'nothing to see' WHERE seq = ${seq};
       ALTER TABLE audit_entries ENABLE TRIGGER USER`,
    );
    const after = await verify();
    expect(after.json()).toMatchObject({ valid: false, first_invalid_seq: seq, checked: seq - 1 });
    expect(after.json().reason).toMatch(/content/);

    const exported = await get(tampered, '/api/compliance/audit/export?format=json', chief.token);
    expect(exported.headers['x-audit-verification']).toContain(`valid=false; checked=${seq - 1}; `);
    expect(exported.headers['x-audit-verification']).toContain(`first_invalid_seq=${seq}`);
    expect(exported.json().verification).toMatchObject({ valid: false, first_invalid_seq: seq });
  });
});

describe('checkpoints', () => {
  const every3 = useLabApp({ LAB_CHECKPOINT_EVERY: '3' });

  it('signs the first one at once, then only after LAB_CHECKPOINT_EVERY entries or a day', async () => {
    const chief = await every3.user(['admin']);
    const verify = async () => (await get(every3, '/api/compliance/audit/verify', chief.token)).json();
    expect((await verify()).last_checkpoint).toBeNull();

    const first = await checkpointIfDue(every3.ctx);
    expect(first).toBeDefined();
    expect(first?.key_id).toBe(every3.ctx.signingKeyId);
    expect(await checkpointIfDue(every3.ctx)).toBeUndefined();
    expect(await verify()).toMatchObject({
      valid: true,
      last_checkpoint: { seq: first?.seq, key_id: every3.ctx.signingKeyId },
    });

    // Two more entries are not enough; the third is.
    await rename(every3, chief.token, chief.id, 'Chief 1', 'one');
    await rename(every3, chief.token, chief.id, 'Chief 2', 'two');
    expect(await checkpointIfDue(every3.ctx)).toBeUndefined();
    await rename(every3, chief.token, chief.id, 'Chief 3', 'three');
    const second = await checkpointIfDue(every3.ctx);
    expect(second?.seq).toBe((first?.seq as number) + 3);
    expect(await checkpointIfDue(every3.ctx)).toBeUndefined();
    const verified = await verify();
    expect(verified).toMatchObject({ valid: true, last_checkpoint: { seq: second?.seq } });
    expect(verified.checked).toBe(second?.seq);

    // A day later one is due even without new entries.
    every3.clock.advance(24 * 3_600_000);
    const daily = await checkpointIfDue(every3.ctx);
    expect(daily?.seq).toBe(second?.seq);
    expect(new Date(daily?.signed_at as string).getTime()).toBeGreaterThan(
      new Date(second?.signed_at as string).getTime(),
    );
    expect(await checkpointIfDue(every3.ctx)).toBeUndefined();
  });

  it('signs while other transactions keep appending, over the head it read', async () => {
    const { ctx } = every3;
    let appending = true;
    const appender = async (worker: number) => {
      for (let n = 0; appending; n += 1) {
        await ctx.db.transaction((tx) =>
          ctx.audit.append(tx, {
            actor_id: null,
            actor_email: 'system:test',
            action: 'test.append',
            entity_type: 'test',
            entity_id: `${worker}-${n}`,
            before: null,
            after: { n },
            reason: null,
            request_id: null,
            client_ip: null,
          }),
        );
      }
    };
    const appenders = [1, 2, 3, 4].map(appender);
    try {
      for (let round = 0; round < 25; round += 1) await checkpointIfDue(ctx);
    } finally {
      appending = false;
      await Promise.all(appenders);
    }
    const chief = await every3.user(['admin']);
    expect((await get(every3, '/api/compliance/audit/verify', chief.token)).json()).toMatchObject({
      valid: true,
    });
  });
});
