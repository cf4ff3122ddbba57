import type { FastifyInstance } from 'fastify';
import type { LabContext } from '../../context.ts';

/** The inventory routes (filled in by issue 5). */
export async function inventoryRoutes(_scope: FastifyInstance, _ctx: LabContext): Promise<void> {}
