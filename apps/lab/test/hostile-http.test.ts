import { gzipSync } from 'node:zlib';
import { malformedRequests, sendRawHttp } from '@ours/platform/testing';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

// Text the database or the audit canonicaliser cannot take, bodies the server cannot read and
// requests the HTTP parser refuses: each a 4xx in the house shape, never a 500, writing nothing.
const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000', ANON_RATE_LIMIT_PER_MINUTE: '100000' });
let admin: TestAccount;
let port: number;
let sequence = 0;
const fixture = { sample: '', vendor: '', item: '', lot: '', device: '', user: '' };
const nextCode = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++sequence}`;
// In a JS string '\ud800' is a lone surrogate; inject's JSON.stringify sends it as the escape "\ud800".
const lone = 'r\ud800';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const send = (method: Method, url: string, payload?: object | string | Buffer, headers = {}) =>
  lab.app.inject({
    method,
    url,
    headers: { ...bearer(admin.token), ...headers },
    ...(payload === undefined ? {} : { payload }),
  });

function expectRefusal(
  response: { statusCode: number; body: string; json(): unknown },
  status: number,
  code: string,
) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json()).toMatchObject({ error: { code, message: expect.any(String) } });
}

/** Every record and audit entry: a refused request changes none. */
async function footprint() {
  const { rows } = await sql<Record<string, number>>`select (select count(*) from samples) as samples,
      (select count(*) from inventory_vendors) as vendors,
      (select count(*) from inventory_movements) as movements,
      (select count(*) from labs) as labs,
      (select count(*) from audit_entries) as audit`.execute(lab.db.kysely);
  return rows[0];
}

beforeAll(async () => {
  admin = await lab.user(['admin']);
  fixture.user = (await lab.user(['technician'])).id;
  const sample = await send('POST', '/api/samples', {
    sample_id: nextCode('SUR'),
    sample_type: 'plasma',
    quantity: 10,
    unit: 'mL',
  });
  fixture.sample = sample.json().id;
  fixture.vendor = (
    await send('POST', '/api/inventory/vendors', { code: nextCode('V'), name: 'Acme' })
  ).json().id;
  fixture.item = (
    await send('POST', '/api/inventory/items', {
      code: nextCode('I'),
      name: 'Buffer',
      category: 'reagent',
      unit: 'mL',
    })
  ).json().id;
  fixture.lot = (
    await send('POST', '/api/inventory/lots', {
      item_id: fixture.item,
      lot_number: nextCode('L'),
      quantity: 100,
    })
  ).json().lot.id;
  fixture.device = (
    await send('POST', '/api/devices', {
      device_id: nextCode('D'),
      name: 'Pipette',
      device_type: 'pipette',
      calibration_interval_days: 90,
    })
  ).json().id;
  await lab.app.listen({ port: 0, host: '127.0.0.1' });
  port = (lab.app.server.address() as { port: number }).port;
});

describe('a lone UTF-16 surrogate is refused with 400 invalid_characters', () => {
  // Once a 500: the audit canonicaliser refused the text half-way through the append.
  it('in the reason, name or text of every kind of audited change, writing nothing', async () => {
    const before = await footprint();
    const attempts: [Method, string, object][] = [
      ['POST', '/api/samples', { sample_id: nextCode('S'), sample_type: lone, quantity: 1, unit: 'mL' }],
      [
        'POST',
        '/api/samples',
        { sample_id: nextCode('S'), sample_type: 'x', quantity: 1, unit: 'mL', metadata: { [lone]: 1 } },
      ],
      ['PATCH', `/api/samples/${fixture.sample}`, { sample_type: 'serum', reason: lone }],
      ['POST', `/api/samples/${fixture.sample}/split`, { children: [{ quantity: 1 }], reason: lone }],
      ['DELETE', `/api/samples/${fixture.sample}`, { reason: lone }],
      ['POST', '/api/inventory/vendors', { code: nextCode('V'), name: lone }],
      ['PATCH', `/api/inventory/vendors/${fixture.vendor}`, { name: 'Acme Ltd', reason: lone }],
      ['PATCH', `/api/inventory/items/${fixture.item}`, { description: lone, reason: 'typo' }],
      ['POST', `/api/inventory/lots/${fixture.lot}/consume`, { quantity: 1, reason: lone }],
      ['PATCH', `/api/inventory/lots/${fixture.lot}`, { status: 'quarantined', reason: lone }],
      ['PATCH', `/api/devices/${fixture.device}`, { in_service: false, reason: lone }],
      ['POST', '/api/calibration', { device_id: fixture.device, result: 'pass', notes: lone }],
      ['POST', '/api/admin/labs', { code: nextCode('LAB'), name: lone }],
      ['POST', `/api/admin/users/${fixture.user}/unlock`, { reason: lone }],
      [
        'POST',
        '/api/signatures',
        { record_type: 'sample', record_id: fixture.sample, meaning: 'review', reason: lone, password: 'x' },
      ],
    ];
    for (const [method, url, payload] of attempts) {
      expectRefusal(await send(method, url, payload), 400, 'invalid_characters');
    }
    expect(await footprint()).toEqual(before);
  });

  it('on the public sign-in route too', async () => {
    const response = await lab.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: `${lone}@lab.test`, password: 'Lab-Bench-2026!' },
    });
    expectRefusal(response, 400, 'invalid_characters');
  });

  it('in a query string or a path parameter (percent-escapes that spell no UTF-8)', async () => {
    for (const url of [
      '/api/samples?q=%ED%A0%80',
      '/api/inventory/items?q=%ED%B0%80',
      '/api/devices?q=%FF',
      '/api/samples/%ED%A0%80',
      '/api/devices/S%ED%A0%80/usage',
    ]) {
      expectRefusal(await send('GET', url), 400, 'invalid_characters');
    }
  });

  it('in body bytes that are not UTF-8, JSON or CSV, instead of storing U+FFFD', async () => {
    const json = Buffer.concat([
      Buffer.from(`{"sample_id":"${nextCode('S')}","sample_type":"`),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('","quantity":1,"unit":"mL"}'),
    ]);
    expectRefusal(
      await send('POST', '/api/samples', json, { 'content-type': 'application/json' }),
      400,
      'invalid_characters',
    );
    const csv = Buffer.concat([
      Buffer.from(`sample_id,sample_type,quantity,unit\n${nextCode('C')},`),
      Buffer.from([0xff]),
      Buffer.from(',1,mL\n'),
    ]);
    expectRefusal(
      await send('POST', '/api/samples/import', csv, { 'content-type': 'text/csv' }),
      400,
      'invalid_characters',
    );
  });

  it('keeps surrogate pairs (an emoji written as escapes) and percent-encoded emoji intact', async () => {
    const created = await send(
      'POST',
      '/api/samples',
      `{"sample_id":"${nextCode('E')}","sample_type":"plasma","quantity":1,"unit":"mL","metadata":{"note":"\\ud83e\\uddea ok"}}`,
      { 'content-type': 'application/json' },
    );
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().metadata.note).toBe('🧪 ok');
    expect((await send('GET', '/api/samples?q=%F0%9F%A7%AA')).statusCode).toBe(200);
  });
});

describe('bodies the server cannot read', () => {
  it('answers an unsupported Content-Type on a JSON route with 415 in the house shape', async () => {
    const response = await send('POST', '/api/inventory/vendors', '<vendor/>', {
      'content-type': 'application/xml',
    });
    expectRefusal(response, 415, 'unsupported_media_type');
  });

  it('answers a compressed body with 415 and Accept-Encoding: identity, writing nothing', async () => {
    const before = await footprint();
    const body = gzipSync(JSON.stringify({ code: nextCode('V'), name: 'Zipped' }));
    const response = await send('POST', '/api/inventory/vendors', body, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expectRefusal(response, 415, 'unsupported_content_encoding');
    expect(response.headers['accept-encoding']).toBe('identity');
    expect(await footprint()).toEqual(before);
  });

  it('checks the caller before the body: no token is still a 401', async () => {
    const response = await lab.app.inject({
      method: 'POST',
      url: '/api/inventory/vendors',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync('{}'),
    });
    expectRefusal(response, 401, 'missing_token');
  });
});

describe('requests the HTTP parser refuses', () => {
  it.each(malformedRequests('/auth/login'))(
    'answers $name with $status $code in the house shape',
    async ({ request, status, code }) => {
      const reply = await sendRawHttp(port, request);
      expect(reply.status).toBe(status);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(reply.body)).toEqual({ error: { code, message: expect.any(String) } });
    },
  );
});
