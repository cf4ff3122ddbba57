import type { Selectable } from 'kysely';
import type { LabExecutor, LabSchema } from '../../db/lab-database.ts';

export type NodeRow = Selectable<LabSchema['nodes']>;
export type HubRow = Selectable<LabSchema['device_hubs']>;

const nodeColumns = ['id', 'lab_id', 'hostname', 'description', 'created_at'] as const;
const hubColumns = ['id', 'lab_id', 'node_id', 'name', 'created_at'] as const;

/** Nodes of the labs in scope (row-level security does the filtering). */
export function listNodes(tx: LabExecutor): Promise<NodeRow[]> {
  return tx.selectFrom('nodes').select(nodeColumns).orderBy('lab_id').orderBy('hostname').execute();
}

export function nodeById(tx: LabExecutor, id: string): Promise<NodeRow | undefined> {
  return tx.selectFrom('nodes').select(nodeColumns).where('id', '=', id).executeTakeFirst();
}

export async function insertNode(
  tx: LabExecutor,
  node: { lab_id: string; hostname: string; description: string },
): Promise<NodeRow> {
  const row = await tx.insertInto('nodes').values(node).returning(nodeColumns).executeTakeFirst();
  if (!row) throw new Error('node was not created');
  return row;
}

/** Instrument gateways of the labs in scope (row-level security does the filtering). */
export function listHubs(tx: LabExecutor): Promise<HubRow[]> {
  return tx.selectFrom('device_hubs').select(hubColumns).orderBy('lab_id').orderBy('name').execute();
}

export async function insertHub(
  tx: LabExecutor,
  hub: { lab_id: string; node_id: string | null; name: string },
): Promise<HubRow> {
  const row = await tx.insertInto('device_hubs').values(hub).returning(hubColumns).executeTakeFirst();
  if (!row) throw new Error('device hub was not created');
  return row;
}
