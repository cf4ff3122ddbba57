import type { FastifyInstance } from 'fastify';
import type { LabContext } from '../../context.ts';
import { alertRoutes } from './alerts.routes.ts';
import { catalogRoutes } from './catalog.routes.ts';
import { stockRoutes } from './stock.routes.ts';

/** `/api/inventory`: vendors, items, lots, the movement ledger and alerts; lab-scoped, audited. */
export async function inventoryRoutes(scope: FastifyInstance, ctx: LabContext): Promise<void> {
  await catalogRoutes(scope, ctx);
  await stockRoutes(scope, ctx);
  await alertRoutes(scope, ctx);
}
