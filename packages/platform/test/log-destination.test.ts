import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LogDestination } from '../src/log-destination.ts';

/** Everything the stream holds, as text. */
function drain(output: PassThrough): string {
  let text = '';
  for (let chunk = output.read(); chunk !== null; chunk = output.read()) text += chunk.toString();
  return text;
}

const line = (n: number) => `${JSON.stringify({ level: 30, n, pad: 'x'.repeat(80) })}\n`;

describe('LogDestination', () => {
  it('drops and counts lines once the output falls behind, then says how many it dropped', async () => {
    // A stream nobody reads: everything written stays pending in it, like a stalled pipe.
    const output = new PassThrough({ highWaterMark: 1 });
    const destination = new LogDestination({ output, maxPendingBytes: 1_000, batchBytes: 1 });
    for (let n = 0; n < 50; n += 1) destination.write(line(n));
    expect(destination.dropped).toBeGreaterThan(35);
    const kept = 50 - destination.dropped;

    expect(drain(output).trim().split('\n')).toHaveLength(kept);
    destination.write(line(99));
    const after = drain(output).trim().split('\n');
    expect(JSON.parse(after[0] as string)).toMatchObject({ level: 40, dropped_lines: destination.dropped });
    expect(JSON.parse(after[1] as string)).toMatchObject({ n: 99 });
  });

  it('batches lines and hands them over on the next turn of the event loop', async () => {
    const output = new PassThrough();
    const destination = new LogDestination({ output });
    destination.write(line(1));
    destination.write(line(2));
    expect(output.read()).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drain(output)).toBe(line(1) + line(2));
  });

  it('turns logging off instead of crashing when the output fails (a closed pipe)', () => {
    const output = new PassThrough();
    const destination = new LogDestination({ output, batchBytes: 1 });
    output.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    destination.write(line(1));
    expect(destination.dropped).toBe(1);
  });
});
