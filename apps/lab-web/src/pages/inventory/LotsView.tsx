import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { PagedTable } from '../../components/PagedTable.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { orUndefined } from '../../format/text.ts';
import type { InventorySearch } from './inventory.routes.ts';
import { inventoryKey, type Lot, type LotStatus, lotStatuses } from './inventory-api.ts';
import { ExpiryBadge, LotStatusBadge, quantity } from './stock-format.tsx';

const isStatus = (value: string | undefined): value is LotStatus => lotStatuses.includes(value as LotStatus);

/** The lots list (newest first), filtered by status, lot number and item. */
export function LotsView({ search }: { search: InventorySearch }) {
  const filter = {
    status: isStatus(search.status) ? search.status : undefined,
    lot_number: search.lot_number,
    item_id: search.item_id,
  };
  const pages = useLotPages(filter);
  return (
    <>
      <LotFilters key={JSON.stringify(filter)} search={search} />
      <PagedTable pages={pages} empty="No lots match these filters.">
        {(lots) => <LotsTable lots={lots} label="Lots" />}
      </PagedTable>
    </>
  );
}

/** A keyset page of lots for a filter (the lots view, an item's lots). */
export function useLotPages(filter: {
  status?: LotStatus | undefined;
  lot_number?: string | undefined;
  item_id?: string | undefined;
}) {
  return useKeysetPages([...inventoryKey, 'lots', filter], (cursor) =>
    data(api.GET('/api/inventory/lots', { params: { query: { ...filter, cursor } } })),
  );
}

function LotFilters({ search }: { search: InventorySearch }) {
  const navigate = useNavigate({ from: '/inventory' });
  const [status, setStatus] = useState(search.status ?? 'any');
  const [lotNumber, setLotNumber] = useState(search.lot_number ?? '');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    void navigate({
      search: {
        view: search.view,
        item_id: search.item_id,
        status: status === 'any' ? undefined : status,
        lot_number: orUndefined(lotNumber),
      },
    });
  };
  return (
    <Form className="filters" onSubmit={apply} aria-label="Filter lots">
      <SelectField
        label="Status"
        value={status}
        onChange={setStatus}
        options={[{ id: 'any', label: 'Any status' }, ...lotStatuses.map((id) => ({ id, label: id }))]}
      />
      <TextField label="Lot number" value={lotNumber} onChange={setLotNumber} />
      {search.item_id && <p className="inv-filter-note">Showing the lots of one item.</p>}
      <Button type="submit" variant="secondary">
        Apply filters
      </Button>
      <Button variant="quiet" onPress={() => void navigate({ search: { view: search.view } })}>
        Clear
      </Button>
    </Form>
  );
}

/** Lots with their stock, expiry and status; `showItem` adds the item's code (not on an item's page). */
export function LotsTable({
  lots,
  label,
  showItem = true,
}: {
  lots: Lot[];
  label: string;
  showItem?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Lot number</th>
            {showItem && <th scope="col">Item</th>}
            <th scope="col" className="number">
              Remaining
            </th>
            <th scope="col" className="number">
              Received
            </th>
            <th scope="col">Expiry</th>
            <th scope="col">Status</th>
            <th scope="col">Received on</th>
          </tr>
        </thead>
        <tbody>
          {lots.map((lot) => (
            <tr key={lot.id}>
              <td>
                <Link to="/inventory/lots/$lotId" params={{ lotId: lot.id }}>
                  {lot.lot_number}
                </Link>
              </td>
              {showItem && (
                <td>
                  <Link to="/inventory/items/$itemId" params={{ itemId: lot.item_id }}>
                    {lot.item_code}
                  </Link>
                </td>
              )}
              <td className="number">{quantity(lot.quantity_remaining, lot.unit)}</td>
              <td className="number">{quantity(lot.quantity_received, lot.unit)}</td>
              <td>
                <ExpiryBadge date={lot.expiry_date} />
              </td>
              <td>
                <LotStatusBadge status={lot.status} />
              </td>
              <td>{formatDateTime(lot.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
