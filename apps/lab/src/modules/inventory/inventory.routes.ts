import type { RouteScope } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { alertRoutes } from './alerts.routes.ts';
import { catalogRoutes } from './catalog.routes.ts';
import { stockRoutes } from './stock.routes.ts';

/** `/api/inventory`: vendors, items, lots, the movement ledger and alerts; lab-scoped, audited. */
export async function inventoryRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  await catalogRoutes(app, ctx);
  await stockRoutes(app, ctx);
  await alertRoutes(app, ctx);
}
