import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLabId, inLabs } from '../src/modules/sites/lab-scope.ts';
import { bearer, type TestAccount, useLabApp } from './support/lab-app.ts';

// A data directory nested two levels down, so "../../x" from it still lands inside the sandbox.
const sandbox = mkdtempSync(join(tmpdir(), 'lab-certificates-'));
const dataDir = join(sandbox, 'a', 'b');
const lab = useLabApp({ USER_RATE_LIMIT_PER_MINUTE: '100000', LAB_DATA_DIR: dataDir });
const certificatesDir = join(dataDir, 'certificates');
let admin: TestAccount;
let technician: TestAccount;
let sequence = 0;

const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 7),
]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 3)]);
const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64)]);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Buffer | string;
}

/** A multipart/form-data body built by hand (what a browser or curl -F sends). */
function form(parts: Part[]) {
  const boundary = `----lab-test-${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    const type = part.type === undefined ? '' : `Content-Type: ${part.type}\r\n`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}\r\n${type}\r\n`,
      ),
      Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

function upload(entryId: string, parts: Part[], token = technician.token) {
  const body = form(parts);
  return lab.app.inject({
    method: 'POST',
    url: `/api/calibration/${entryId}/certificate`,
    headers: { ...bearer(token), 'content-type': body.type },
    payload: body.payload,
  });
}
const file = (data: Buffer, filename: string, type = 'application/octet-stream'): Part => ({
  name: 'file',
  filename,
  type,
  data,
});
const download = (entryId: string, query = '', token = technician.token) =>
  lab.app.inject({
    method: 'GET',
    url: `/api/calibration/${entryId}/certificate${query}`,
    headers: bearer(token),
  });

async function newEntry(): Promise<string> {
  const device = await lab.app.inject({
    method: 'POST',
    url: '/api/devices',
    headers: bearer(admin.token),
    payload: {
      device_id: `CERT-${Date.now().toString(36)}-${++sequence}`,
      name: 'pH meter',
      device_type: 'ph-meter',
      calibration_interval_days: 180,
    },
  });
  const entry = await lab.app.inject({
    method: 'POST',
    url: '/api/calibration',
    headers: bearer(technician.token),
    payload: { device_id: device.json().id, result: 'pass' },
  });
  expect(entry.statusCode).toBe(201);
  return entry.json().id;
}

const storedFiles = () => (existsSync(certificatesDir) ? readdirSync(certificatesDir).sort() : []);

beforeAll(async () => {
  admin = await lab.user(['admin']);
  technician = await lab.user(['technician']);
});

afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

describe('certificate upload', () => {
  it('stores a PDF under a server-made name with its SHA-256, and streams the same bytes back', async () => {
    const entryId = await newEntry();
    const response = await upload(entryId, [file(pdf, 'cert.pdf', 'application/pdf')]);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      calibration_id: entryId,
      version: 1,
      media_type: 'application/pdf',
      size_bytes: pdf.length,
      sha256: sha256(pdf),
      client_filename: 'cert.pdf',
      uploaded_by: technician.id,
    });
    const row = await inLabs(lab.db, [defaultLabId], (tx) =>
      tx
        .selectFrom('calibration_certificates')
        .select('storage_name')
        .where('calibration_id', '=', entryId)
        .executeTakeFirst(),
    );
    expect(row?.storage_name).toMatch(/^[0-9a-f-]{36}\.pdf$/);
    expect(readFileSync(join(certificatesDir, row?.storage_name as string)).equals(pdf)).toBe(true);

    const back = await download(entryId);
    expect(back.statusCode).toBe(200);
    expect(back.headers['content-type']).toBe('application/pdf');
    expect(back.headers['content-disposition']).toMatch(
      /^attachment; filename="calibration-CERT-[A-Za-z0-9-]+-v1\.pdf"$/,
    );
    expect(back.headers.etag).toBe(`"${sha256(pdf)}"`);
    expect(back.rawPayload.equals(pdf)).toBe(true);
    expect(sha256(back.rawPayload)).toBe(response.json().sha256);
    const entry = await lab.app.inject({
      method: 'GET',
      url: `/api/calibration/${entryId}`,
      headers: bearer(technician.token),
    });
    expect(entry.json().certificates).toEqual([response.json()]);
  });

  it('decides the type by content: a PDF named .png is a PDF, a PNG and a JPEG are accepted', async () => {
    const entryId = await newEntry();
    const disguised = await upload(entryId, [file(pdf, 'scan.png', 'image/png')]);
    expect(disguised.json()).toMatchObject({ media_type: 'application/pdf', version: 1 });
    expect((await download(entryId)).headers['content-type']).toBe('application/pdf');
    expect((await download(entryId)).headers['content-disposition']).toMatch(/\.pdf"$/);
    const image = await upload(entryId, [file(png, 'photo.jpg', 'image/jpeg')]);
    expect(image.json()).toMatchObject({ media_type: 'image/png', version: 2 });
    const photo = await upload(entryId, [file(jpeg, 'photo', 'text/plain')]);
    expect(photo.json()).toMatchObject({ media_type: 'image/jpeg', version: 3 });
  });

  it('refuses executables, text and empty files whatever they are called, and keeps no file', async () => {
    const entryId = await newEntry();
    const before = storedFiles();
    const cases: [Buffer, string, number, string][] = [
      [elf, 'certificate.pdf', 415, 'unsupported_certificate_type'],
      [
        Buffer.from('MZ\x90\x00 this program cannot be run in DOS mode'),
        'setup.pdf',
        415,
        'unsupported_certificate_type',
      ],
      [Buffer.from('#!/bin/sh\nrm -rf /\n'), 'cert.pdf', 415, 'unsupported_certificate_type'],
      [Buffer.from('Calibration passed. Signed, Bob'), 'cert.pdf', 415, 'unsupported_certificate_type'],
      [Buffer.from('%PD'), 'short.pdf', 415, 'unsupported_certificate_type'],
      [Buffer.alloc(0), 'empty.pdf', 400, 'empty_file'],
    ];
    for (const [data, filename, status, code] of cases) {
      const response = await upload(entryId, [file(data, filename, 'application/pdf')]);
      expect(response.statusCode, filename).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect(storedFiles()).toEqual(before);
    const entry = await lab.app.inject({
      method: 'GET',
      url: `/api/calibration/${entryId}`,
      headers: bearer(technician.token),
    });
    expect(entry.json().certificates).toEqual([]);
  });

  it('accepts exactly 10 MB and refuses one byte more with 413, keeping nothing', async () => {
    const entryId = await newEntry();
    const limit = 10 * 1024 * 1024;
    const exact = Buffer.alloc(limit, 0x20);
    pdf.copy(exact);
    const accepted = await upload(entryId, [file(exact, 'big.pdf')]);
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json().size_bytes).toBe(limit);
    const before = storedFiles();
    const over = Buffer.alloc(limit + 1, 0x20);
    pdf.copy(over);
    const refused = await upload(entryId, [file(over, 'bigger.pdf')]);
    expect(refused.statusCode).toBe(413);
    expect(refused.json().error.code).toBe('certificate_too_large');
    expect(storedFiles()).toEqual(before);
  });

  it('never lets the client file name reach the file system', async () => {
    const entryId = await newEntry();
    const before = storedFiles();
    for (const name of ['../../etc/passwd', '..\\..\\evil.pdf', '/etc/cron.d/x.pdf', 'a\u0000b.pdf']) {
      const response = await upload(entryId, [file(pdf, name)]);
      expect(response.statusCode, name).toBe(201);
      expect(response.json().client_filename).not.toMatch(/[/\\\p{Cc}]/u);
    }
    expect(existsSync(join(sandbox, 'etc'))).toBe(false);
    expect(existsSync(join(sandbox, 'evil.pdf'))).toBe(false);
    expect(readdirSync(join(dataDir)).sort()).toEqual(['certificates']);
    const added = storedFiles().filter((name) => !before.includes(name));
    expect(added).toHaveLength(4);
    for (const name of added)
      expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.pdf$/);
    const names = await inLabs(lab.db, [defaultLabId], (tx) =>
      tx
        .selectFrom('calibration_certificates')
        .select(['client_filename', 'storage_name'])
        .where('calibration_id', '=', entryId)
        .orderBy('version')
        .execute(),
    );
    expect(names.map((row) => row.client_filename)).toEqual(['passwd', 'evil.pdf', 'x.pdf', 'ab.pdf']);
    expect(names.map((row) => row.storage_name).sort()).toEqual(added);
  });

  it('refuses a second file, a form without a file, and a non-multipart body, each with a code', async () => {
    const entryId = await newEntry();
    const before = storedFiles();
    const two = await upload(entryId, [file(pdf, 'a.pdf'), file(pdf, 'b.pdf')]);
    expect(two.statusCode).toBe(413);
    expect(two.json().error.code).toBe('too_many_files');
    const none = await upload(entryId, [{ name: 'note', data: 'no file here' }]);
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('file_required');
    const json = await lab.app.inject({
      method: 'POST',
      url: `/api/calibration/${entryId}/certificate`,
      headers: bearer(technician.token),
      payload: { file: pdf.toString('base64') },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('multipart_required');
    expect(storedFiles()).toEqual(before);
  });

  it('keeps every version: a re-upload adds one, and ?version= fetches an older one', async () => {
    const entryId = await newEntry();
    await upload(entryId, [file(pdf, 'first.pdf')]);
    const second = await upload(entryId, [file(png, 'second.png')]);
    expect(second.json().version).toBe(2);
    const latest = await download(entryId);
    expect(latest.rawPayload.equals(png)).toBe(true);
    const first = await download(entryId, '?version=1');
    expect(first.rawPayload.equals(pdf)).toBe(true);
    expect(first.headers['content-type']).toBe('application/pdf');
    const missing = await download(entryId, '?version=3');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('certificate_not_found');
    const bare = await download(await newEntry());
    expect(bare.json().error.code).toBe('certificate_not_found');
  });

  it('audits uploads and downloads', async () => {
    const entryId = await newEntry();
    await upload(entryId, [file(pdf, 'audited.pdf')]);
    await download(entryId);
    const trail = await lab.db.kysely
      .selectFrom('audit_entries')
      .select(['action', 'actor_id', 'after'])
      .where('entity_id', '=', entryId)
      .orderBy('seq')
      .execute();
    expect(trail.map((row) => row.action)).toEqual([
      'calibration.create',
      'calibration.certificate_upload',
      'calibration.certificate_download',
    ]);
    expect(trail[1]).toMatchObject({ actor_id: technician.id, after: { sha256: sha256(pdf), version: 1 } });
    expect(trail[2]?.after).toEqual({ version: 1, sha256: sha256(pdf) });
  });

  it('never serves a certificate changed on disk in full', async () => {
    const entryId = await newEntry();
    await upload(entryId, [file(pdf, 'original.pdf')]);
    const row = await inLabs(lab.db, [defaultLabId], (tx) =>
      tx
        .selectFrom('calibration_certificates')
        .select('storage_name')
        .where('calibration_id', '=', entryId)
        .executeTakeFirst(),
    );
    const tampered = Buffer.from(pdf);
    tampered[10] = 0x58;
    writeFileSync(join(certificatesDir, row?.storage_name as string), tampered);
    // The whole file is one held-back chunk here, so the check fails before any byte is sent.
    const response = await download(entryId);
    expect(response.statusCode).toBe(500);
    expect(response.rawPayload.includes(tampered)).toBe(false);
  });

  it("answers 401/403 before reading the body, and 404 for another lab's or an unknown entry", async () => {
    const entryId = await newEntry();
    const anonymous = await lab.app.inject({
      method: 'POST',
      url: `/api/calibration/${entryId}/certificate`,
      headers: { 'content-type': form([file(pdf, 'x.pdf')]).type },
      payload: form([file(pdf, 'x.pdf')]).payload,
    });
    expect(anonymous.statusCode).toBe(401);
    const scientist = await lab.user(['scientist']);
    expect((await upload(entryId, [file(pdf, 'x.pdf')], scientist.token)).statusCode).toBe(403);
    expect((await download(entryId, '', scientist.token)).statusCode).toBe(403);
    const created = await lab.app.inject({
      method: 'POST',
      url: '/api/admin/labs',
      headers: bearer(admin.token),
      payload: { code: 'CERTS', name: 'Elsewhere' },
    });
    const outsider = await lab.user(['admin']);
    await lab.app.inject({
      method: 'POST',
      url: `/api/admin/users/${outsider.id}/labs`,
      headers: bearer(admin.token),
      payload: { lab_id: created.json().id, reason: 'moved' },
    });
    await lab.app.inject({
      method: 'DELETE',
      url: `/api/admin/users/${outsider.id}/labs/${defaultLabId}`,
      headers: bearer(admin.token),
      payload: { reason: 'moved' },
    });
    await upload(entryId, [file(pdf, 'mine.pdf')]);
    const before = storedFiles();
    const foreign = await upload(entryId, [file(pdf, 'theirs.pdf')], outsider.token);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('calibration_not_found');
    expect((await download(entryId, '', outsider.token)).statusCode).toBe(404);
    expect((await upload(randomUUID(), [file(pdf, 'x.pdf')])).statusCode).toBe(404);
    expect(storedFiles()).toEqual(before);
  });
});

describe('malformed uploads', () => {
  const boundary = 'lab-test-boundary';
  const wellFormed = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    pdf,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const send = (
    entryId: string,
    contentType: string,
    payload: Buffer,
    headers: Record<string, string> = {},
  ) =>
    lab.app.inject({
      method: 'POST',
      url: `/api/calibration/${entryId}/certificate`,
      headers: { ...bearer(technician.token), 'content-type': contentType, ...headers },
      payload,
    });
  const multipartType = `multipart/form-data; boundary=${boundary}`;
  // The admin is in two labs by now (the isolation test above made one), so the lab is named.
  const entry = async () => {
    const device = await lab.app.inject({
      method: 'POST',
      url: '/api/devices',
      headers: bearer(admin.token),
      payload: {
        device_id: `MALFORMED-${++sequence}`,
        name: 'Balance',
        device_type: 'balance',
        calibration_interval_days: 180,
        lab_id: defaultLabId,
      },
    });
    const created = await lab.app.inject({
      method: 'POST',
      url: '/api/calibration',
      headers: bearer(technician.token),
      payload: { device_id: device.json().id, result: 'pass' },
    });
    expect(created.statusCode, created.body).toBe(201);
    return created.json().id as string;
  };

  // Each was a 500: the parser's bare Errors reached the error handler as internal failures.
  it.each([
    ['no boundary', 'multipart/form-data', wellFormed],
    ['an empty boundary', 'multipart/form-data; boundary=', wellFormed],
    ['a body cut short inside the file', multipartType, wellFormed.subarray(0, wellFormed.length - 40)],
    ['a body cut short inside the part headers', multipartType, wellFormed.subarray(0, 30)],
    [
      'a form without its closing boundary',
      multipartType,
      wellFormed.subarray(0, wellFormed.length - boundary.length - 6),
    ],
    ['a boundary the body never uses', 'multipart/form-data; boundary=other', wellFormed],
    ['garbage', multipartType, Buffer.from('garbage, not a form')],
    ['binary garbage', multipartType, Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 13, 10])],
  ])('answers %s with 400 invalid_multipart, keeping no file', async (_label, contentType, payload) => {
    const entryId = await entry();
    const before = storedFiles();
    const response = await send(entryId, contentType, payload);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe('invalid_multipart');
    expect(storedFiles()).toEqual(before);
    expect(
      (
        await lab.app.inject({
          method: 'GET',
          url: `/api/calibration/${entryId}`,
          headers: bearer(technician.token),
        })
      ).json().certificates,
    ).toEqual([]);
  });

  it('answers a compressed form with 415 unsupported_content_encoding instead of parsing it as a broken one', async () => {
    const entryId = await entry();
    const before = storedFiles();
    const response = await send(entryId, multipartType, gzipSync(wellFormed), { 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_content_encoding');
    expect(response.headers['accept-encoding']).toBe('identity');
    expect(storedFiles()).toEqual(before);
  });

  it('still takes the same form when it is well formed', async () => {
    const response = await send(await entry(), multipartType, wellFormed);
    expect(response.statusCode, response.body).toBe(201);
  });
});
