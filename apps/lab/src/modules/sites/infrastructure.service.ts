import { ConflictError, NotFoundError } from '@ours/platform/errors';
import type { LabContext } from '../../context.ts';
import type { Principal } from '../access/index.ts';
import type { AuditActor } from '../audit/index.ts';
import { isUniqueViolation } from '../shared/db-errors.ts';
import {
  type HubRow,
  insertHub,
  insertNode,
  listHubs,
  listNodes,
  type NodeRow,
  nodeById,
} from './infrastructure.repository.ts';
import { inLabs, readInLabs, targetLab } from './lab-scope.ts';

/** The lab computers in the caller's labs (one round trip). */
export function nodesInLabs(ctx: LabContext, caller: Principal): Promise<NodeRow[]> {
  return listNodes(readInLabs(ctx.db, caller.lab_ids));
}

/** The instrument gateways in the caller's labs (one round trip). */
export function hubsInLabs(ctx: LabContext, caller: Principal): Promise<HubRow[]> {
  return listHubs(readInLabs(ctx.db, caller.lab_ids));
}

/** Registers a lab computer in one of the caller's labs. */
export function createNode(
  ctx: LabContext,
  caller: Principal,
  input: { lab_id?: string | undefined; hostname: string; description?: string | undefined },
  actor: AuditActor,
): Promise<NodeRow> {
  const labId = targetLab(caller.lab_ids, input.lab_id);
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    const node = await insertNode(tx, {
      lab_id: labId,
      hostname: input.hostname.toLowerCase(),
      description: input.description ?? '',
    }).catch((error: unknown) => {
      if (isUniqueViolation(error))
        throw new ConflictError('node_exists', `${input.hostname} is already registered`);
      throw error;
    });
    await ctx.audit.append(tx, {
      ...actor,
      action: 'node.create',
      entity_type: 'node',
      entity_id: node.id,
      before: null,
      after: { lab_id: labId, hostname: node.hostname },
      reason: null,
    });
    return node;
  });
}

/** Registers an instrument gateway, optionally on a node of the same lab. */
export function createHub(
  ctx: LabContext,
  caller: Principal,
  input: { lab_id?: string | undefined; node_id?: string | undefined; name: string },
  actor: AuditActor,
): Promise<HubRow> {
  const labId = targetLab(caller.lab_ids, input.lab_id);
  return inLabs(ctx.db, caller.lab_ids, async (tx) => {
    if (input.node_id !== undefined) {
      const node = await nodeById(tx, input.node_id);
      if (!node || node.lab_id !== labId)
        throw new NotFoundError('node_not_found', 'There is no such node in that lab');
    }
    const hub = await insertHub(tx, {
      lab_id: labId,
      node_id: input.node_id ?? null,
      name: input.name,
    }).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new ConflictError('hub_exists', `A hub named ${input.name} exists`);
      throw error;
    });
    await ctx.audit.append(tx, {
      ...actor,
      action: 'device_hub.create',
      entity_type: 'device_hub',
      entity_id: hub.id,
      before: null,
      after: { lab_id: labId, node_id: hub.node_id, name: hub.name },
      reason: null,
    });
    return hub;
  });
}
