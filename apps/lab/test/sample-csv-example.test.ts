import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { bearer, useLabApp } from './support/lab-app.ts';

const lab = useLabApp();
// The file the README points people to: importing it here keeps it from going stale.
const example = new URL('../../../docs/examples/samples.csv', import.meta.url);

describe('docs/examples/samples.csv', () => {
  it('imports through the API as documented, every column read', async () => {
    const scientist = await lab.user(['scientist']);
    const response = await lab.app.inject({
      method: 'POST',
      url: '/api/samples/import',
      headers: { ...bearer(scientist.token), 'content-type': 'text/csv' },
      payload: await readFile(example, 'utf8'),
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toEqual({ imported: 3 });
    const sample = await lab.app.inject({
      method: 'GET',
      url: '/api/samples/EX-0001',
      headers: bearer(scientist.token),
    });
    expect(sample.json()).toMatchObject({
      sample_type: 'plasma',
      quantity: 5,
      unit: 'mL',
      status: 'in_storage',
      metadata: { donor: 'D-17', visit: 1 },
    });
  });
});
