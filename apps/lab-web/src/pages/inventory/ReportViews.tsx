import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { DaysWindowFilter, windowDays } from '../../components/DaysWindowFilter.tsx';
import { QueryFrame } from '../../components/PagedTable.tsx';
import type { InventorySearch } from './inventory.routes.ts';
import { inventoryKey, type LotAlert, type LowStockItem } from './inventory-api.ts';
import { ExpiryBadge, LotStatusBadge, quantity } from './stock-format.tsx';

/** Items whose usable stock is at or below their reorder point (live, worst shortage first). */
export function LowStockView() {
  const report = useQuery({
    queryKey: [...inventoryKey, 'low-stock'],
    queryFn: () => data(api.GET('/api/inventory/alerts/low-stock')),
  });
  return (
    <QueryFrame query={report}>
      {({ items }) =>
        items.length === 0 ? (
          <p>Every item has more usable stock than its reorder point.</p>
        ) : (
          <LowStockTable items={items} />
        )
      }
    </QueryFrame>
  );
}

function LowStockTable({ items }: { items: LowStockItem[] }) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Low stock items">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Name</th>
            <th scope="col" className="number">
              Usable
            </th>
            <th scope="col" className="number">
              In stock
            </th>
            <th scope="col" className="number">
              Reorder point
            </th>
            <th scope="col" className="number">
              Minimum
            </th>
            <th scope="col" className="number">
              Shortage
            </th>
            <th scope="col">Severity</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.item_id}>
              <td>
                <Link to="/inventory/items/$itemId" params={{ itemId: item.item_id }}>
                  {item.code}
                </Link>
              </td>
              <td>{item.name}</td>
              <td className="number">{quantity(item.available_stock, item.unit)}</td>
              <td className="number">{quantity(item.current_stock, item.unit)}</td>
              <td className="number">{quantity(item.reorder_point, item.unit)}</td>
              <td className="number">{quantity(item.min_stock, item.unit)}</td>
              <td className="number">{quantity(item.shortage, item.unit)}</td>
              <td>
                <span className={`badge ${item.severity === 'critical' ? 'badge-danger' : 'badge-warn'}`}>
                  {item.severity}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Lots with stock left that expire within the next `days` days (30 unless the address says). */
export function ExpiringView({ search }: { search: InventorySearch }) {
  const days = windowDays(search.days);
  const navigate = useNavigate({ from: '/inventory' });
  const report = useQuery({
    queryKey: [...inventoryKey, 'expiring', days],
    queryFn: () => data(api.GET('/api/inventory/alerts/expiring', { params: { query: { days } } })),
  });
  return (
    <>
      <DaysWindowFilter
        key={days}
        days={days}
        label="Expiring within (days)"
        formLabel="Expiry window"
        onApply={(next) => void navigate({ search: { view: search.view, days: String(next) } })}
      />
      <QueryFrame query={report}>
        {({ lots }) =>
          lots.length === 0 ? (
            <p>No lot with stock left expires in the next {days} days.</p>
          ) : (
            <LotAlertTable lots={lots} label={`Lots expiring within ${days} days`} />
          )
        }
      </QueryFrame>
    </>
  );
}

/** Lots with stock left past their expiry date (they can no longer be consumed). */
export function ExpiredView() {
  const report = useQuery({
    queryKey: [...inventoryKey, 'expired'],
    queryFn: () => data(api.GET('/api/inventory/alerts/expired')),
  });
  return (
    <QueryFrame query={report}>
      {({ lots }) =>
        lots.length === 0 ? (
          <p>No lot with stock left is past its expiry date.</p>
        ) : (
          <LotAlertTable lots={lots} label="Expired lots with stock" />
        )
      }
    </QueryFrame>
  );
}

function LotAlertTable({ lots, label }: { lots: LotAlert[]; label: string }) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Lot number</th>
            <th scope="col">Item</th>
            <th scope="col" className="number">
              Remaining
            </th>
            <th scope="col">Expiry</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {lots.map((lot) => (
            <tr key={lot.lot_id}>
              <td>
                <Link to="/inventory/lots/$lotId" params={{ lotId: lot.lot_id }}>
                  {lot.lot_number}
                </Link>
              </td>
              <td>
                <Link to="/inventory/items/$itemId" params={{ itemId: lot.item_id }}>
                  {lot.item_code}
                </Link>
              </td>
              <td className="number">{quantity(lot.quantity_remaining, lot.unit)}</td>
              <td>
                <ExpiryBadge date={lot.expiry_date} />
              </td>
              <td>
                <LotStatusBadge status={lot.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
