import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../../routes/base-routes.tsx';
import { searchOf } from '../../routes/search.ts';

/**
 * The inventory page's view (items, lots, movements, low-stock, expiring, expired, alerts, vendors)
 * and the filters of each: `kind` and `sample_id` filter the ledger (kind also the alerts), `days`
 * the expiring view's window.
 */
export const inventorySearch = [
  'view',
  'q',
  'category',
  'low_stock',
  'item_id',
  'lot_id',
  'status',
  'lot_number',
  'kind',
  'sample_id',
  'days',
] as const;

export type InventorySearch = { [K in (typeof inventorySearch)[number]]?: string | undefined };

export const inventoryRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/inventory',
  validateSearch: searchOf(inventorySearch),
  component: lazyRouteComponent(() => import('./InventoryPage.tsx'), 'InventoryPage'),
});

export const itemRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/inventory/items/$itemId',
  component: lazyRouteComponent(() => import('./ItemPage.tsx'), 'ItemPage'),
});

export const lotRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/inventory/lots/$lotId',
  component: lazyRouteComponent(() => import('./LotPage.tsx'), 'LotPage'),
});

export const inventoryRoutes = [inventoryRoute, itemRoute, lotRoute] as const;
