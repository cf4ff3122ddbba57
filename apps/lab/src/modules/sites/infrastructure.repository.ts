import { type Executor, queryRows } from '@ours/platform/db';
import { sql } from 'drizzle-orm';

export interface NodeRow {
  id: string;
  lab_id: string;
  hostname: string;
  description: string;
  created_at: string;
}

export interface HubRow {
  id: string;
  lab_id: string;
  node_id: string | null;
  name: string;
  created_at: string;
}

const nodeColumns = sql`id, lab_id, hostname, description, to_json(created_at) #>> '{}' as created_at`;
const hubColumns = sql`id, lab_id, node_id, name, to_json(created_at) #>> '{}' as created_at`;

/** Nodes of the labs in scope (row-level security does the filtering). */
export function listNodes(tx: Executor): Promise<NodeRow[]> {
  return queryRows<NodeRow>(tx, sql`select ${nodeColumns} from nodes order by lab_id, hostname`);
}

export async function nodeById(tx: Executor, id: string): Promise<NodeRow | undefined> {
  const [row] = await queryRows<NodeRow>(tx, sql`select ${nodeColumns} from nodes where id = ${id}`);
  return row;
}

export async function insertNode(
  tx: Executor,
  node: { lab_id: string; hostname: string; description: string },
): Promise<NodeRow> {
  const [row] = await queryRows<NodeRow>(
    tx,
    sql`insert into nodes (lab_id, hostname, description) values (${node.lab_id}, ${node.hostname}, ${node.description})
        returning ${nodeColumns}`,
  );
  if (!row) throw new Error('node was not created');
  return row;
}

export function listHubs(tx: Executor): Promise<HubRow[]> {
  return queryRows<HubRow>(tx, sql`select ${hubColumns} from device_hubs order by lab_id, name`);
}

export async function hubById(tx: Executor, id: string): Promise<HubRow | undefined> {
  const [row] = await queryRows<HubRow>(tx, sql`select ${hubColumns} from device_hubs where id = ${id}`);
  return row;
}

export async function insertHub(
  tx: Executor,
  hub: { lab_id: string; node_id: string | null; name: string },
): Promise<HubRow> {
  const [row] = await queryRows<HubRow>(
    tx,
    sql`insert into device_hubs (lab_id, node_id, name) values (${hub.lab_id}, ${hub.node_id}, ${hub.name})
        returning ${hubColumns}`,
  );
  if (!row) throw new Error('device hub was not created');
  return row;
}
