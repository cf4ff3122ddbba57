import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let scientist: TestAccount;
let northToken: string;
let northLabId: string;
let containerId: string;
let northContainerId: string;
let sequence = 0;

const header = 'sample_id,sample_type,quantity,unit,status,container_id,project_id,batch_id,metadata,lab_id';

function prefix(): string {
  sequence += 1;
  return `C${Date.now().toString(36)}${sequence}`;
}

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
  lab.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

const importCsv = (text: string, token = scientist.token, contentType = 'text/csv') =>
  lab.app.inject({
    method: 'POST',
    url: '/api/samples/import',
    headers: { ...bearer(token), 'content-type': contentType },
    payload: text,
  });

const exportCsv = (query: string, token = scientist.token) =>
  lab.app.inject({ method: 'GET', url: `/api/samples/export?${query}`, headers: bearer(token) });

const records = (text: string) => parse(text, { columns: true }) as Record<string, string>[];

async function countSamples(idPrefix: string): Promise<number> {
  const row = await lab.db.kysely
    .selectFrom('samples')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('sample_id', 'like', `${idPrefix}%`)
    .executeTakeFirst();
  return row?.n ?? -1;
}

beforeAll(async () => {
  scientist = await lab.user(['scientist']);
  const admin = await lab.user(['admin']);
  const created = await api('POST', '/api/admin/labs', admin.token, { code: 'CSVN', name: 'CSV north' });
  northLabId = created.json().id;
  const north = await lab.user(['scientist']);
  await api('POST', `/api/admin/users/${north.id}/labs`, admin.token, {
    lab_id: northLabId,
    reason: 'moved',
  });
  await api('DELETE', `/api/admin/users/${north.id}/labs/${defaultLabId}`, admin.token, { reason: 'moved' });
  northToken = (await lab.login(north.email)).access_token;
  const box = await api('POST', '/api/samples/containers', scientist.token, {
    code: `BOX-${prefix()}`,
    container_type: 'box',
  });
  containerId = box.json().id;
  const northBox = await api('POST', '/api/samples/containers', northToken, {
    code: `NBOX-${prefix()}`,
    container_type: 'box',
  });
  northContainerId = northBox.json().id;
});

describe('POST /api/samples/import', () => {
  it('imports every row in one go, audited, and answers 201 with the count', async () => {
    const p = prefix();
    const csv = [
      header,
      `${p}-1,plasma,10,mL,,${containerId},,,"{""site"":""ward 3"",""n"":2}",`,
      `${p}-2,serum,0.5,mL,in_storage,,,,,${defaultLabId}`,
      `${p}-3, whole blood ,3,mL,received,,,,{},`,
    ].join('\n');
    const response = await importCsv(csv);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toEqual({ imported: 3 });
    const first = await api('GET', `/api/samples/${p}-1`, scientist.token);
    expect(first.json()).toMatchObject({
      sample_type: 'plasma',
      quantity: 10,
      container_id: containerId,
      metadata: { site: 'ward 3', n: 2 },
      status: 'received',
    });
    expect((await api('GET', `/api/samples/${p}-2`, scientist.token)).json().status).toBe('in_storage');
    expect((await api('GET', `/api/samples/${p}-3`, scientist.token)).json().sample_type).toBe('whole blood');
    const history = await api('GET', `/api/samples/${p}-3/history`, scientist.token);
    expect(history.json()).toEqual([
      expect.objectContaining({ action: 'sample.create', actor_id: scientist.id, entity_type: 'sample' }),
    ]);
  });

  it('imports nothing when any row is bad, and reports rows 4 and 5 with columns and codes', async () => {
    const p = prefix();
    const csv = [
      header,
      `${p}-1,plasma,1,mL,,,,,,`,
      `${p}-2,plasma,1,mL,,,,,,`,
      `${p}-3,plasma,1,mL,,,,,,`,
      `${p}-4,plasma,lots,mL,,,,,,`,
      `bad id,,-1,mL,consumed,not-a-uuid,,,[1],`,
    ].join('\n');
    const response = await importCsv(csv);
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('csv_rejected');
    expect(new Set(error.details.errors.map((entry: { row: number }) => entry.row))).toEqual(new Set([4, 5]));
    expect(error.details.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 4, line: 5, column: 'quantity', code: 'invalid_number' }),
        expect.objectContaining({ row: 5, column: 'sample_id', code: 'invalid_pattern' }),
        expect.objectContaining({ row: 5, column: 'sample_type', code: 'required' }),
        expect.objectContaining({ row: 5, column: 'quantity', code: 'out_of_range' }),
        expect.objectContaining({ row: 5, column: 'status', code: 'invalid_status' }),
        expect.objectContaining({ row: 5, column: 'container_id', code: 'invalid_uuid' }),
        expect.objectContaining({ row: 5, column: 'metadata', code: 'invalid_metadata' }),
      ]),
    );
    expect(error.details.error_count).toBe(error.details.errors.length);
    expect(await countSamples(p)).toBe(0);
  });

  it('answers 409 naming rows that repeat an id in the file or reuse an existing one', async () => {
    const p = prefix();
    expect((await importCsv(`${header}\n${p}-old,plasma,1,mL,,,,,,`)).statusCode).toBe(201);
    const csv = [
      header,
      `${p}-a,plasma,1,mL,,,,,,`,
      `${p}-old,plasma,1,mL,,,,,,`,
      `${p}-a,serum,2,mL,,,,,,`,
    ].join('\n');
    const response = await importCsv(csv);
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'csv_conflict',
      details: {
        errors: [
          expect.objectContaining({ row: 2, column: 'sample_id', code: 'sample_exists' }),
          expect.objectContaining({ row: 3, code: 'duplicate_in_file', message: `${p}-a is also on row 1` }),
        ],
      },
    });
    expect(await countSamples(`${p}-a`)).toBe(0);
  });

  it('checks references and labs: an unknown or other lab container, a lab you are not in', async () => {
    const p = prefix();
    const csv = [
      header,
      `${p}-1,plasma,1,mL,,${northContainerId},,,,`,
      `${p}-2,plasma,1,mL,,,0e8f6a3c-1111-4222-8333-444455556666,,,`,
      `${p}-3,plasma,1,mL,,,,,,${northLabId}`,
      `projects,plasma,1,mL,,,,,,`,
    ].join('\n');
    const response = await importCsv(csv);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.errors).toEqual([
      expect.objectContaining({ row: 1, column: 'container_id', code: 'unknown_reference' }),
      expect.objectContaining({ row: 2, column: 'project_id', code: 'unknown_reference' }),
      expect.objectContaining({ row: 3, column: 'lab_id', code: 'lab_forbidden' }),
      expect.objectContaining({ row: 4, column: 'sample_id', code: 'reserved_sample_id' }),
    ]);
  });

  it('reads a UTF-8 BOM, CRLF line ends, quoted line breaks and spreadsheet padding rows', async () => {
    const p = prefix();
    const csv = `\uFEFF${header}\r\n${p}-1,plasma,1,mL,,,,,"{\r\n  ""note"": ""two lines""\r\n}",\r\n,,,,,,,,,\r\n${p}-2,serum,2,µL,,,,,,\r\n`;
    const response = await importCsv(csv, scientist.token, 'text/csv; charset=utf-8');
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toEqual({ imported: 2 });
    const first = (await api('GET', `/api/samples/${p}-1`, scientist.token)).json();
    expect(first.metadata).toEqual({ note: 'two lines' });
    expect((await api('GET', `/api/samples/${p}-2`, scientist.token)).json().unit).toBe('µL');
  });

  it('refuses a bad header, an empty file, broken CSV, a JSON body and too many rows, with codes', async () => {
    const unknown = await importCsv('sample_id,sample_type,quantity,unit,colour\nA,b,1,mL,red');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.errors).toEqual([
      expect.objectContaining({ row: 0, column: 'colour', code: 'unknown_column' }),
    ]);
    const missing = await importCsv('sample_id,sample_type\nA,b');
    expect(missing.json().error.details.errors.map((e: { column: string }) => e.column)).toEqual([
      'quantity',
      'unit',
    ]);
    expect((await importCsv(`${header}\n`)).json().error.code).toBe('csv_empty');
    expect((await importCsv(`${header}\n"unclosed,a,1,mL`)).json().error.code).toBe('invalid_csv');
    const short = await importCsv(`${header}\nA-1,plasma,1`);
    expect(short.json().error.details.errors[0]).toMatchObject({ row: 1, code: 'wrong_column_count' });
    const json = await api('POST', '/api/samples/import', scientist.token, { csv: 'x' });
    expect(json.statusCode).toBe(400);
    const nul = await importCsv(`${header}\nA\u0000,plasma,1,mL,,,,,,`);
    expect(nul.json().error.code).toBe('invalid_characters');
    const p = prefix();
    const rows = Array.from({ length: 10_001 }, (_, index) => `${p}-${index},plasma,1,mL,,,,,,`);
    const tooMany = await importCsv([header, ...rows].join('\n'));
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().error).toMatchObject({ code: 'too_many_rows', details: { limit: 10_000 } });
    expect(await countSamples(p)).toBe(0);
  });

  it('takes files past the 1 MB JSON limit up to 5 MB, and answers 413 beyond', async () => {
    const p = prefix();
    const padding = `"{""note"":""${'x'.repeat(150)}""}"`;
    const rows = Array.from({ length: 8_000 }, (_, index) => `${p}-${index},plasma,1,mL,,,,,${padding},`);
    rows.push(`${p}-bad,plasma,NaN,mL,,,,,,`);
    const big = [header, ...rows].join('\n');
    expect(Buffer.byteLength(big)).toBeGreaterThan(1_300_000);
    const checked = await importCsv(big);
    expect(checked.statusCode).toBe(400);
    expect(checked.json().error.details.errors).toEqual([
      expect.objectContaining({ row: 8_001, column: 'quantity', code: 'invalid_number' }),
    ]);
    const huge = await importCsv(`${header}\n${'y'.repeat(5 * 1024 * 1024)}`);
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
    expect(await countSamples(p)).toBe(0);
  });

  it('needs samples:create: a technician gets 403', async () => {
    const technician = await lab.user(['technician']);
    expect((await importCsv(`${header}\nT-1,plasma,1,mL,,,,,,`, technician.token)).statusCode).toBe(403);
  });
});

describe('GET /api/samples/export', () => {
  it('exports the filtered list as CSV with formula cells neutralised', async () => {
    const p = prefix();
    const csv = [
      header,
      `${p}-1,"=HYPERLINK(""http://x"")",1,mL,,,,,,`,
      `${p}-2,+cmd,2,@unit,in_storage,,,,,`,
      `${p}-3,-2+3,3,mL,,,,,"{""a"":""=1""}",`,
    ].join('\n');
    expect((await importCsv(csv)).statusCode).toBe(201);
    const response = await exportCsv(`q=${p}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="samples-\d{8}T\d{6}\.csv"$/,
    );
    const rows = records(response.body);
    expect(rows.map((row) => row.sample_id).sort()).toEqual([`${p}-1`, `${p}-2`, `${p}-3`]);
    const byId = Object.fromEntries(rows.map((row) => [row.sample_id, row]));
    expect(byId[`${p}-1`]?.sample_type).toBe(`'=HYPERLINK("http://x")`);
    expect(byId[`${p}-2`]).toMatchObject({ sample_type: "'+cmd", unit: "'@unit", status: 'in_storage' });
    expect(byId[`${p}-3`]).toMatchObject({ sample_type: "'-2+3", metadata: '{"a":"=1"}', quantity: '3' });
    const stored = (await exportCsv(`q=${p}&status=in_storage`)).body;
    expect(records(stored).map((row) => row.sample_id)).toEqual([`${p}-2`]);
  });

  it('round-trips: an exported file imports again and exports the same values', async () => {
    const p = prefix();
    const q = prefix();
    const csv = [
      header,
      `${p}-1,=1+1,10,mL,,${containerId},,,"{""site"":""ward, 3"",""nested"":{""x"":[1,2]}}",`,
      `${p}-2,"serum ""fresh""",0.125,µL,in_storage,,,,,${defaultLabId}`,
    ].join('\r\n');
    expect((await importCsv(csv)).statusCode).toBe(201);
    const first = (await exportCsv(`q=${p}`)).body;
    const renamed = first.replaceAll(`${p}-`, `${q}-`);
    const again = await importCsv(renamed);
    expect(again.statusCode, again.body).toBe(201);
    const second = (await exportCsv(`q=${q}`)).body;
    // Rows created together share created_at, so the export's order among them is by uuid: sort.
    const comparable = (text: string) =>
      records(text)
        .map(({ id: _i, created_at: _c, updated_at: _u, created_by: _b, ...row }) => ({
          ...row,
          sample_id: row.sample_id?.slice(-2),
        }))
        .sort((a, b) => String(a.sample_id).localeCompare(String(b.sample_id)));
    expect(comparable(second)).toEqual(comparable(first));
    expect(comparable(first)).toEqual([
      expect.objectContaining({
        sample_id: '-1',
        sample_type: "'=1+1",
        container_id: containerId,
        metadata: '{"site":"ward, 3","nested":{"x":[1,2]}}',
      }),
      expect.objectContaining({
        sample_id: '-2',
        sample_type: 'serum "fresh"',
        quantity: '0.125',
        unit: 'µL',
      }),
    ]);
    expect((await api('GET', `/api/samples/${q}-1`, scientist.token)).json().sample_type).toBe('=1+1');
  });

  it("streams every page (more than one keyset page) and never shows another lab's samples", async () => {
    const p = prefix();
    const rows = Array.from({ length: 1_201 }, (_, index) => `${p}-${index},plasma,1,mL,,${containerId},,,,`);
    const imported = await importCsv([header, ...rows].join('\n'));
    expect(imported.json()).toEqual({ imported: 1_201 });
    const exported = records((await exportCsv(`q=${p}&container_id=${containerId}`)).body);
    expect(exported).toHaveLength(1_201);
    expect(new Set(exported.map((row) => row.id)).size).toBe(1_201);
    const created = exported.map((row) => row.created_at as string);
    expect([...created].sort().reverse()).toEqual(created);
    const north = await exportCsv(`q=${p}`, northToken);
    expect(north.statusCode).toBe(200);
    expect(records(north.body)).toEqual([]);
    expect(north.body.split('\r\n')[0]).toBe(`${header},id,created_by,created_at,updated_at,deleted_at`);
  });

  it('refuses unknown filters and paging parameters with 400', async () => {
    for (const query of ['limit=5', 'status=lost', 'colour=red']) {
      expect((await exportCsv(query)).statusCode, query).toBe(400);
    }
  });
});
