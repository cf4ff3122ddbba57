import { Link, useNavigate } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { SelectField } from '../../components/fields.tsx';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { PagedTable } from '../../components/PagedTable.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { readableCode } from '../../format/text.ts';
import type { InventorySearch } from './inventory.routes.ts';
import { inventoryKey, type StockAlert } from './inventory-api.ts';

type AlertKind = StockAlert['kind'];
const kinds: readonly AlertKind[] = ['low_stock', 'expiring', 'expired'];
const isKind = (value: string | undefined): value is AlertKind => kinds.includes(value as AlertKind);
const kindLabel: Record<AlertKind, string> = {
  low_stock: 'Low stock',
  expiring: 'Expiring',
  expired: 'Expired',
};
const kindTone: Record<AlertKind, string> = {
  low_stock: 'badge-warn',
  expiring: 'badge-warn',
  expired: 'badge-danger',
};

/** The open alerts the daily stock check recorded (the live reports are the other views). */
export function AlertsView({ search }: { search: InventorySearch }) {
  const navigate = useNavigate({ from: '/inventory' });
  const kind = isKind(search.kind) ? search.kind : undefined;
  const pages = useKeysetPages([...inventoryKey, 'alerts', kind ?? null], (cursor) =>
    data(api.GET('/api/inventory/alerts', { params: { query: { kind, cursor } } })),
  );
  return (
    <>
      <div className="filters">
        <SelectField
          label="Kind"
          value={kind ?? 'any'}
          onChange={(value) =>
            void navigate({ search: { view: search.view, kind: value === 'any' ? undefined : value } })
          }
          options={[{ id: 'any', label: 'Every kind' }, ...kinds.map((id) => ({ id, label: kindLabel[id] }))]}
        />
      </div>
      <PagedTable pages={pages} empty="No open alerts. The daily stock check records new ones.">
        {(alerts) => <AlertsTable alerts={alerts} />}
      </PagedTable>
    </>
  );
}

/** An alert's details (shortage, days left…) as "name: value" pairs. */
function details(value: Record<string, unknown>): string {
  return Object.entries(value)
    .map(
      ([name, detail]) =>
        `${readableCode(name)}: ${typeof detail === 'object' ? JSON.stringify(detail) : String(detail)}`,
    )
    .join(' · ');
}

function AlertsTable({ alerts }: { alerts: StockAlert[] }) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Open alerts">
        <thead>
          <tr>
            <th scope="col">Opened</th>
            <th scope="col">Kind</th>
            <th scope="col">Item</th>
            <th scope="col">Lot</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr key={alert.id}>
              <td>{formatDateTime(alert.opened_at)}</td>
              <td>
                <span className={`badge ${kindTone[alert.kind]}`}>{kindLabel[alert.kind]}</span>
              </td>
              <td>
                <Link to="/inventory/items/$itemId" params={{ itemId: alert.item_id }}>
                  {alert.item_code}
                </Link>
              </td>
              <td>
                {alert.lot_id ? (
                  <Link to="/inventory/lots/$lotId" params={{ lotId: alert.lot_id }}>
                    {alert.lot_number ?? 'lot'}
                  </Link>
                ) : (
                  '—'
                )}
              </td>
              <td>{details(alert.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
