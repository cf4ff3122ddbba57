import { stringify } from 'csv-stringify/sync';
import type { ActionData } from '../instruments/index.ts';

/** Values packed as little-endian float32: 4 bytes a point (a 1024-point spectrum is 4 KB). */
export function packValues(values: readonly number[]): Buffer {
  const bytes = Buffer.alloc(values.length * 4);
  for (const [index, value] of values.entries()) bytes.writeFloatLE(value, index * 4);
  return bytes;
}

export function unpackValues(bytes: Uint8Array): number[] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Array<number>(view.length / 4);
  for (let i = 0; i < values.length; i += 1) values[i] = view.readFloatLE(i * 4);
  return values;
}

/** The values of an action's data, with how they are laid out. */
export function frameOf(data: ActionData) {
  return data.kind === 'spectrum'
    ? {
        kind: data.kind,
        start_nm: data.start_nm,
        step_nm: data.step_nm,
        unit: null,
        values: data.intensities,
      }
    : { kind: data.kind, start_nm: null, step_nm: null, unit: data.unit, values: data.values };
}

/**
 * At most `maxPoints` values: buckets of `ceil(n / maxPoints)` consecutive points, each replaced by its
 * mean; a spectrum's axis moves to the buckets' centres (start + (b − 1) / 2 · step, step · b).
 */
export function downsample(
  values: readonly number[],
  maxPoints: number,
  axis: { start_nm: number | null; step_nm: number | null },
) {
  const bucket = Math.max(1, Math.ceil(values.length / maxPoints));
  if (bucket === 1) return { values: [...values], ...axis };
  const out: number[] = [];
  for (let start = 0; start < values.length; start += bucket) {
    const slice = values.slice(start, start + bucket);
    out.push(slice.reduce((sum, value) => sum + value, 0) / slice.length);
  }
  return {
    values: out,
    start_nm:
      axis.start_nm === null || axis.step_nm === null
        ? null
        : axis.start_nm + ((bucket - 1) / 2) * axis.step_nm,
    step_nm: axis.step_nm === null ? null : axis.step_nm * bucket,
  };
}

/** One CSV row a point: frame, step, time, index, wavelength (spectra) and value. */
export function dataCsv(
  frames: {
    seq: number;
    step_id: string;
    captured_at: string;
    start_nm: number | null;
    step_nm: number | null;
    unit: string | null;
    values: number[];
  }[],
): string {
  const rows = frames.flatMap((frame) =>
    frame.values.map((value, index) => [
      frame.seq,
      frame.step_id,
      frame.captured_at,
      index,
      frame.start_nm === null || frame.step_nm === null ? '' : frame.start_nm + index * frame.step_nm,
      value,
      frame.unit ?? '',
    ]),
  );
  return stringify([['frame', 'step_id', 'captured_at', 'index', 'wavelength_nm', 'value', 'unit'], ...rows]);
}
