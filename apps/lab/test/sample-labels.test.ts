import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000' });
let scientist: TestAccount;
let northSampleId: string;
let sequence = 0;

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
  lab.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

function newId(prefix = 'L'): string {
  sequence += 1;
  return `${prefix}-${Date.now().toString(36)}-${sequence}`;
}

async function createSample(token: string, overrides: Record<string, unknown> = {}) {
  const response = await api('POST', '/api/samples', token, {
    sample_id: newId(),
    sample_type: 'plasma',
    quantity: 2.5,
    unit: 'mL',
    ...overrides,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; sample_id: string; created_at: string };
}

/** Only the element names an SVG label may use, and balanced; no script, no event handlers. */
function expectSafeSvg(svg: string) {
  const tags = [...svg.matchAll(/<\/?([A-Za-z][\w:-]*)/g)].map((match) => match[1]);
  expect(new Set(tags)).toEqual(new Set(['svg', 'title', 'rect', 'path', 'g', 'text']));
  for (const name of ['svg', 'title', 'g', 'text']) {
    expect(svg.match(new RegExp(`<${name}[\\s>]`, 'g'))?.length).toBe(
      svg.match(new RegExp(`</${name}>`, 'g'))?.length,
    );
  }
  expect(svg).not.toMatch(/\son\w+=/i);
  expect(svg).not.toMatch(/<script/i);
}

/** Width, height and greyscale pixels of a PNG this API made (8-bit grey, no filtering). */
function decodePng(png: Buffer) {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const chunks: Buffer[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    if (png.toString('latin1', offset + 4, offset + 8) === 'IDAT')
      chunks.push(png.subarray(offset + 8, offset + 8 + length));
    offset += length + 12;
  }
  return { width, height, raw: inflateSync(Buffer.concat(chunks)) };
}

beforeAll(async () => {
  scientist = await lab.user(['scientist']);
  const admin = await lab.user(['admin']);
  const created = await api('POST', '/api/admin/labs', admin.token, { code: 'LBLN', name: 'Label north' });
  expect(created.statusCode).toBe(201);
  const north = await lab.user(['scientist']);
  await api('POST', `/api/admin/users/${north.id}/labs`, admin.token, {
    lab_id: created.json().id,
    reason: 'moved',
  });
  await api('DELETE', `/api/admin/users/${north.id}/labs/${defaultLabId}`, admin.token, { reason: 'moved' });
  const token = (await lab.login(north.email)).access_token;
  northSampleId = (await createSample(token)).sample_id;
});

describe('GET /api/samples/:id/label', () => {
  it('answers an SVG with a DataMatrix and the escaped text: a <script> type stays text', async () => {
    const sample = await createSample(scientist.token, {
      sample_type: '<script>alert("x")</script>&co',
      metadata: { note: '<script>' },
    });
    const response = await api('GET', `/api/samples/${sample.sample_id}/label`, scientist.token);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const svg = response.body;
    expect(svg.startsWith('<?xml')).toBe(true);
    expectSafeSvg(svg);
    expect(svg).toContain(`>${sample.sample_id}</text>`);
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;co');
    expect(svg).toContain('>2.5 mL</text>');
    expect(svg).toContain(`>${new Date(sample.created_at).toISOString().slice(0, 10)}</text>`);
    expect(svg).toMatch(/<path fill="#000"[^>]* d="(M\d+ \d+h4v4h-4z){50,}"/);
  });

  it('replaces characters XML cannot carry, so the document stays well-formed', async () => {
    const sample = await createSample(scientist.token, { sample_type: 'bad\u0001\u001bchars' });
    const svg = (await api('GET', `/api/samples/${sample.id}/label`, scientist.token)).body;
    expect(svg).toContain('>bad\ufffd\ufffdchars</text>');
    expectSafeSvg(svg);
  });

  it('answers a real PNG with dark modules and text, and a QR code when asked', async () => {
    const sample = await createSample(scientist.token);
    const png = await api('GET', `/api/samples/${sample.id}/label?format=png`, scientist.token);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const image = decodePng(png.rawPayload);
    expect(image.raw.length).toBe((image.width + 1) * image.height);
    expect(image.width).toBeGreaterThan(2 * image.height);
    const dark = image.raw.filter((value, index) => index % (image.width + 1) !== 0 && value < 128).length;
    expect(dark / (image.width * image.height)).toBeGreaterThan(0.05);

    const dm = await api('GET', `/api/samples/${sample.id}/label?code=datamatrix`, scientist.token);
    const qr = await api('GET', `/api/samples/${sample.id}/label?code=qr`, scientist.token);
    expect(qr.statusCode).toBe(200);
    expectSafeSvg(qr.body);
    expect(qr.body).not.toBe(dm.body);
    const qrPng = await api('GET', `/api/samples/${sample.id}/label?code=qr&format=png`, scientist.token);
    expect(qrPng.rawPayload.subarray(1, 4).toString()).toBe('PNG');
  });

  it('refuses an unknown format or code with 400', async () => {
    const sample = await createSample(scientist.token);
    for (const query of ['format=gif', 'code=ean13', 'size=9']) {
      const response = await api('GET', `/api/samples/${sample.id}/label?${query}`, scientist.token);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe('validation_failed');
    }
  });

  it("answers 404 for an unknown sample and for another lab's", async () => {
    for (const id of ['NOPE-404', '0e8f6a3c-1111-4222-8333-444455556666', northSampleId]) {
      const response = await api('GET', `/api/samples/${id}/label?format=png`, scientist.token);
      expect(response.statusCode, id).toBe(404);
      expect(response.json().error.code).toBe('sample_not_found');
    }
  });

  it('needs samples:read (a user without roles gets 403)', async () => {
    const nobody = await lab.user([]);
    const sample = await createSample(scientist.token);
    expect((await api('GET', `/api/samples/${sample.id}/label`, nobody.token)).statusCode).toBe(403);
  });
});

describe('POST /api/samples/labels', () => {
  it('answers a PDF with one label per id, by uuid or business id, over several pages', async () => {
    const samples = [];
    for (let index = 0; index < 5; index += 1) samples.push(await createSample(scientist.token));
    const ids = [...samples.map((sample) => sample.sample_id), samples[0]?.id as string];
    const repeated = Array.from({ length: 30 }, (_, index) => ids[index % ids.length] as string);
    const response = await api('POST', '/api/samples/labels', scientist.token, { ids: repeated, code: 'qr' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pdf = response.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toContain('%%EOF');
    // 24 labels per A4 page: 30 labels need two pages.
    expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)).toHaveLength(2);
  });

  it("answers 404 listing unknown ids (another lab's included) and prints nothing", async () => {
    const mine = await createSample(scientist.token);
    const response = await api('POST', '/api/samples/labels', scientist.token, {
      ids: [mine.sample_id, 'GHOST-1', northSampleId, 'GHOST-1'],
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({
      code: 'samples_not_found',
      details: { ids: ['GHOST-1', northSampleId] },
    });
  });

  it('refuses an empty list and more than 200 ids', async () => {
    for (const ids of [[], Array.from({ length: 201 }, (_, index) => `X-${index}`)]) {
      const response = await api('POST', '/api/samples/labels', scientist.token, { ids });
      expect(response.statusCode).toBe(400);
    }
  });
});
