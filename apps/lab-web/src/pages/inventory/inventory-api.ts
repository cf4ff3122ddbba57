import type { QueryClient } from '@tanstack/react-query';
import type { GetReply } from '../../api/types.ts';

/** The inventory's records, as the API answers them (derived from the OpenAPI document). */
export type Item = GetReply<'/api/inventory/items/{id}'>;
export type Lot = GetReply<'/api/inventory/lots/{id}'>;
export type LotStatus = Lot['status'];
export type Vendor = GetReply<'/api/inventory/vendors/{id}'>;
export type Movement = GetReply<'/api/inventory/movements'>['items'][number];
export type LowStockItem = GetReply<'/api/inventory/alerts/low-stock'>['items'][number];
export type LotAlert = GetReply<'/api/inventory/alerts/expired'>['lots'][number];
export type StockAlert = GetReply<'/api/inventory/alerts'>['items'][number];

/** Every inventory query's key starts with this, so one change refreshes every list that shows it. */
export const inventoryKey = ['inventory'] as const;

/** After a receipt, consumption or change: every inventory list and the dashboard's figures. */
export function refreshInventory(queryClient: QueryClient): Promise<void> {
  void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
  return queryClient.invalidateQueries({ queryKey: inventoryKey });
}

export const lotStatuses: readonly LotStatus[] = ['active', 'quarantined', 'depleted', 'expired'];
