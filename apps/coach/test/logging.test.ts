import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createUser, openFileDatabase, startTestApp, type TestApp } from './support/test-app.ts';

const lines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});
let t: TestApp;
let closeDb: () => Promise<void>;

beforeAll(async () => {
  const db = await openFileDatabase();
  closeDb = () => db.close();
  t = await startTestApp(db, { LOG_LEVEL: 'trace' }, { logStream: capture });
});
afterAll(async () => {
  await t.close();
  await closeDb();
});

describe('logs', () => {
  it('write one access line per request and never the token, e-mail or message text', async () => {
    const user = await createUser({ email: 'private.person@example.com' });
    const secretWords = 'my knee has been hurting since the divorce';
    t.fake.setDefault({ kind: 'reply', text: 'A gentle private reply about knees.' });
    lines.length = 0;
    await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: bearer(user),
      payload: { messages: [{ role: 'user', content: secretWords }] },
    });
    await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: bearer(user),
      payload: { messages: [{ role: 'system', content: secretWords }] },
    });
    await t.app.inject({
      method: 'POST',
      url: '/ask',
      headers: { authorization: 'Bearer not.a.valid-token' },
      payload: {},
    });
    const output = lines.join('\n');
    const access = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request');
    expect(access.map((entry) => [entry.route, entry.status])).toEqual([
      ['/ask', 200],
      ['/ask', 400],
      ['/ask', 401],
    ]);
    expect(output).not.toContain(user.token);
    expect(output).not.toContain('not.a.valid-token');
    expect(output).not.toContain('private.person');
    expect(output).not.toContain('divorce');
    expect(output).not.toContain('private reply');
  });

  it('redacts credentials and message text if code ever logs them', () => {
    lines.length = 0;
    t.app.log.info(
      {
        req: { headers: { authorization: 'Bearer abc.def.ghi', cookie: 'session=1' } },
        body: {
          password: 'hunter2',
          token: 'tok',
          messages: [{ content: 'very private' }],
          reply: 'private reply',
        },
        password: 'hunter3',
      },
      'debugging',
    );
    const output = lines.join('\n');
    for (const secret of [
      'abc.def.ghi',
      'session=1',
      'hunter2',
      'hunter3',
      '"tok"',
      'very private',
      'private reply',
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('[redacted]');
  });
});
