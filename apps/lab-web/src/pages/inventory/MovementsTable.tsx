import { useQueries } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { RunReference } from '../../components/RunReference.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { inventoryKey, type Movement } from './inventory-api.ts';
import { quantity, signedQuantity } from './stock-format.tsx';

/** What the table already knows (on an item's or a lot's page), so it need not look it up. */
export interface LedgerContext {
  item?: { id: string; code: string; unit: string } | undefined;
  lot?: { id: string; lot_number: string } | undefined;
}

const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];

/**
 * A movement names its item, lot and sample by uuid only, so the codes, units and sample ids shown
 * are looked up once per distinct record of the page (cached, shared with the record pages).
 */
function useReferences(movements: Movement[], context: LedgerContext) {
  const can = useCan();
  const items = useQueries({
    queries: (context.item ? [] : distinct(movements.map((m) => m.item_id))).map((id) => ({
      queryKey: [...inventoryKey, 'item', id],
      queryFn: () => data(api.GET('/api/inventory/items/{id}', { params: { path: { id } } })),
      staleTime: 60_000,
    })),
  });
  const lots = useQueries({
    queries: (context.lot ? [] : distinct(movements.map((m) => m.lot_id))).map((id) => ({
      queryKey: [...inventoryKey, 'lot', id],
      queryFn: () => data(api.GET('/api/inventory/lots/{id}', { params: { path: { id } } })),
      staleTime: 60_000,
    })),
  });
  const samples = useQueries({
    queries: (can('samples:read') ? distinct(movements.map((m) => m.sample_id)) : []).map((id) => ({
      queryKey: [...inventoryKey, 'sample-ref', id],
      queryFn: () => data(api.GET('/api/samples/{id}', { params: { path: { id } } })),
      staleTime: 5 * 60_000,
    })),
  });
  const itemOf = (id: string) =>
    context.item?.id === id ? context.item : items.find((q) => q.data?.id === id)?.data;
  const lotOf = (id: string) =>
    context.lot?.id === id ? context.lot : lots.find((q) => q.data?.id === id)?.data;
  const sampleOf = (id: string) => samples.find((q) => q.data?.id === id)?.data?.sample_id;
  return { itemOf, lotOf, sampleOf };
}

/** The stock ledger: every receipt and consumption with the balances after it and its references. */
export function MovementsTable({
  movements,
  context = {},
  label = 'Stock movements',
}: {
  movements: Movement[];
  context?: LedgerContext;
  label?: string;
}) {
  const { itemOf, lotOf, sampleOf } = useReferences(movements, context);
  return (
    <div className="table-wrap">
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Movement</th>
            {!context.item && <th scope="col">Item</th>}
            {!context.lot && <th scope="col">Lot</th>}
            <th scope="col" className="number">
              Quantity
            </th>
            <th scope="col" className="number">
              Lot balance
            </th>
            <th scope="col" className="number">
              Item balance
            </th>
            <th scope="col">Sample</th>
            <th scope="col">Run</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {movements.map((movement) => {
            const item = itemOf(movement.item_id);
            const lot = lotOf(movement.lot_id);
            const unit = item?.unit ?? '';
            return (
              <tr key={movement.id}>
                <td>{formatDateTime(movement.occurred_at)}</td>
                <td>
                  <span className={`badge ${movement.kind === 'receive' ? 'badge-info' : ''}`}>
                    {movement.kind === 'receive' ? 'received' : 'consumed'}
                  </span>
                </td>
                {!context.item && (
                  <td>
                    <Link to="/inventory/items/$itemId" params={{ itemId: movement.item_id }}>
                      {item?.code ?? 'item'}
                    </Link>
                  </td>
                )}
                {!context.lot && (
                  <td>
                    <Link to="/inventory/lots/$lotId" params={{ lotId: movement.lot_id }}>
                      {lot?.lot_number ?? 'lot'}
                    </Link>
                  </td>
                )}
                <td className="number">{signedQuantity(movement.quantity, unit)}</td>
                <td className="number">{quantity(movement.lot_balance_after, unit)}</td>
                <td className="number">{quantity(movement.item_balance_after, unit)}</td>
                <td>
                  {movement.sample_id ? (
                    <Link to="/samples/$sampleId" params={{ sampleId: movement.sample_id }}>
                      {sampleOf(movement.sample_id) ?? `sample ${movement.sample_id.slice(0, 8)}`}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  <RunReference value={movement.run_ref} />
                </td>
                <td>{movement.reason ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
