import { preparedStatement } from '@ours/platform/db';
import { sql } from 'kysely';
import type { LabExecutor } from '../../db/lab-database.ts';

/** The `app.lab_ids` setting row-level security reads (`public.app_lab_ids()`): a uuid[] literal. */
export const labIdsSetting = (labIds: readonly string[]) => `{${labIds.join(',')}}`;

/** Makes the given labs the only ones row-level security lets this transaction see or write. */
export async function setLabScope(tx: LabExecutor, labIds: readonly string[]): Promise<void> {
  await sql`select set_config('app.lab_ids', ${labIdsSetting(labIds)}, true)${preparedStatement}`.execute(tx);
}

/** Every lab, for system jobs that work across sites (alerts, demo data). */
export async function allLabIds(tx: LabExecutor): Promise<string[]> {
  const rows = await tx.selectFrom('labs').select('id').orderBy('created_at').orderBy('id').execute();
  return rows.map((row) => row.id);
}
