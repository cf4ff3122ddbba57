import { download, saveBlob } from '../../api/client.ts';

/** Downloads the CSV of a filtered list (the API walks every page itself and streams it). */
export async function exportSamplesCsv(queryString: string): Promise<void> {
  const blob = await download(`/api/samples/export${queryString}`);
  const stamp = new Date().toISOString().slice(0, 10);
  saveBlob(blob, `samples-${stamp}.csv`);
}

/** Downloads the A4 PDF label sheet of 1-200 samples, in the order given. */
export async function printLabelSheet(
  ids: string[],
  code: 'datamatrix' | 'qr' = 'datamatrix',
): Promise<void> {
  const blob = await download('/api/samples/labels', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ids, code }),
  });
  saveBlob(new Blob([blob], { type: 'application/pdf' }), 'sample-labels.pdf');
}

/** The label sheet takes at most this many samples at once. */
export const maxLabelSheet = 200;
