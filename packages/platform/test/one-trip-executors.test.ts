import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { oneTripExecutors } from '../src/db/one-trip.ts';

describe('oneTripExecutors', () => {
  it('reuses the executor of recent settings, forgets the oldest past its bound, and keeps each one’s own settings', async () => {
    const scripts: string[] = [];
    const executors = oneTripExecutors<unknown>(async (script) => {
      scripts.push(script);
      return { rows: [], affected: 0 };
    }, 2);
    const a = executors({ 'app.lab_ids': '{a}' });
    expect(executors({ 'app.lab_ids': '{a}' })).toBe(a);
    const b = executors({ 'app.lab_ids': '{b}' });
    executors({ 'app.lab_ids': '{c}' });
    expect(executors({ 'app.lab_ids': '{a}' })).not.toBe(a);
    await sql`select 1`.execute(b);
    expect(scripts.at(-1)).toContain("set_config('app.lab_ids', '{b}', true)");
  });
});
