import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { PagedTable } from '../../components/PagedTable.tsx';
import { orUndefined } from '../../format/text.ts';
import type { InventorySearch } from './inventory.routes.ts';
import { inventoryKey } from './inventory-api.ts';
import { type LedgerContext, MovementsTable } from './MovementsTable.tsx';

type Kind = 'receive' | 'consume';
const isKind = (value: string | undefined): value is Kind => value === 'receive' || value === 'consume';

export interface LedgerFilter {
  item_id?: string | undefined;
  lot_id?: string | undefined;
  kind?: Kind | undefined;
  sample_id?: string | undefined;
}

/** A keyset page of the stock ledger, newest first. */
export function useMovementPages(filter: LedgerFilter) {
  return useKeysetPages([...inventoryKey, 'movements', filter], (cursor) =>
    data(api.GET('/api/inventory/movements', { params: { query: { ...filter, cursor } } })),
  );
}

/** The ledger of one item or lot (on its page). */
export function Ledger({ filter, context }: { filter: LedgerFilter; context: LedgerContext }) {
  const pages = useMovementPages(filter);
  return (
    <PagedTable pages={pages} empty="No stock has moved yet.">
      {(movements) => <MovementsTable movements={movements} context={context} label="Ledger" />}
    </PagedTable>
  );
}

/** The whole ledger of my labs: filtered by movement kind, sample, and (from links) item or lot. */
export function LedgerView({ search }: { search: InventorySearch }) {
  const filter: LedgerFilter = {
    item_id: search.item_id,
    lot_id: search.lot_id,
    kind: isKind(search.kind) ? search.kind : undefined,
    sample_id: search.sample_id,
  };
  const pages = useMovementPages(filter);
  return (
    <>
      <LedgerFilters key={JSON.stringify(filter)} search={search} />
      <PagedTable pages={pages} empty="No movements match these filters.">
        {(movements) => <MovementsTable movements={movements} label="Ledger" />}
      </PagedTable>
    </>
  );
}

function LedgerFilters({ search }: { search: InventorySearch }) {
  const navigate = useNavigate({ from: '/inventory' });
  const [kind, setKind] = useState(isKind(search.kind) ? search.kind : 'any');
  const [sample, setSample] = useState(search.sample_id ?? '');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    void navigate({
      search: {
        view: search.view,
        item_id: search.item_id,
        lot_id: search.lot_id,
        kind: kind === 'any' ? undefined : kind,
        sample_id: orUndefined(sample),
      },
    });
  };
  return (
    <Form className="filters" onSubmit={apply} aria-label="Filter the ledger">
      <SelectField
        label="Movement"
        value={kind}
        onChange={setKind}
        options={[
          { id: 'any', label: 'Receipts and consumptions' },
          { id: 'receive', label: 'Receipts' },
          { id: 'consume', label: 'Consumptions' },
        ]}
      />
      <TextField label="Sample" value={sample} onChange={setSample} description="Sample id or uuid" />
      {(search.item_id || search.lot_id) && (
        <p className="inv-filter-note">Showing the movements of one {search.lot_id ? 'lot' : 'item'}.</p>
      )}
      <Button type="submit" variant="secondary">
        Apply filters
      </Button>
      <Button variant="quiet" onPress={() => void navigate({ search: { view: search.view } })}>
        Clear
      </Button>
    </Form>
  );
}
