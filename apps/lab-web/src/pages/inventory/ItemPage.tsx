import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { EditItemDialog } from './ItemDialogs.tsx';
import { itemRoute } from './inventory.routes.ts';
import { type Item, inventoryKey } from './inventory-api.ts';
import { Ledger } from './LedgerView.tsx';
import { LotsTable, useLotPages } from './LotsView.tsx';
import { ReceiveDialog } from './ReceiveDialog.tsx';
import { quantity, StockLevelBadge } from './stock-format.tsx';
import './inventory.css';

/** One item: its stock against its thresholds, its lots, its ledger; receive stock, edit thresholds. */
export function ItemPage() {
  const { itemId } = itemRoute.useParams();
  const item = useQuery({
    queryKey: [...inventoryKey, 'item', itemId],
    queryFn: () => data(api.GET('/api/inventory/items/{id}', { params: { path: { id: itemId } } })),
  });
  if (item.isPending) return <Loading />;
  if (item.isError) {
    return (
      <>
        <PageHeader title="Item" />
        <ErrorNotice error={item.error} />
        <Link to="/inventory">Back to the inventory</Link>
      </>
    );
  }
  return <ItemDetails item={item.data} />;
}

function ItemDetails({ item }: { item: Item }) {
  const can = useCan();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<'receive' | 'edit' | null>(null);
  const close = (open: boolean) => !open && setDialog(null);
  const lots = useLotPages({ item_id: item.id });
  return (
    <>
      <PageHeader title={`${item.code} · ${item.name}`} subtitle={`${item.category} · unit ${item.unit}`}>
        {can('inventory:create') && (
          <Button variant="primary" onPress={() => setDialog('receive')}>
            Receive stock
          </Button>
        )}
        {can('inventory:update') && <Button onPress={() => setDialog('edit')}>Edit item</Button>}
      </PageHeader>
      <div className="inv-cards">
        <section className="card" aria-labelledby="stock-heading">
          <h2 id="stock-heading">Stock</h2>
          <p className="inv-stock-figure">
            {quantity(item.available_stock, item.unit)}{' '}
            <StockLevelBadge
              available={item.available_stock}
              reorderPoint={item.reorder_point}
              minStock={item.min_stock}
            />
          </p>
          <p className="figure-caption">usable now (active lots not past their expiry date)</p>
          <dl className="details">
            <dt>In stock</dt>
            <dd>{quantity(item.current_stock, item.unit)} in all lots</dd>
            <dt>Reorder point</dt>
            <dd>{quantity(item.reorder_point, item.unit)}</dd>
            <dt>Minimum stock</dt>
            <dd>{quantity(item.min_stock, item.unit)}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="item-heading">
          <h2 id="item-heading">Item</h2>
          <dl className="details">
            <dt>Code</dt>
            <dd>{item.code}</dd>
            <dt>Category</dt>
            <dd>{item.category}</dd>
            <dt>Location</dt>
            <dd>{item.location || '—'}</dd>
            <dt>Registered</dt>
            <dd>{formatDateTime(item.created_at)}</dd>
            <dt>Last changed</dt>
            <dd>{formatDateTime(item.updated_at)}</dd>
          </dl>
        </section>
      </div>
      <section className="card" aria-labelledby="lots-heading">
        <div className="inv-section-header">
          <h2 id="lots-heading">Lots</h2>
          <Link to="/inventory" search={{ view: 'lots', item_id: item.id }}>
            All lots of {item.code} in the lots view
          </Link>
        </div>
        <PagedTable pages={lots} empty="No stock received yet.">
          {(rows) => <LotsTable lots={rows} label={`Lots of ${item.code}`} showItem={false} />}
        </PagedTable>
      </section>
      <section className="card" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Ledger</h2>
        <Ledger filter={{ item_id: item.id }} context={{ item }} />
      </section>
      <ReceiveDialog
        item={item}
        isOpen={dialog === 'receive'}
        onOpenChange={close}
        onReceived={(receipt) =>
          void navigate({ to: '/inventory/lots/$lotId', params: { lotId: receipt.lot.id } })
        }
      />
      {dialog === 'edit' && <EditItemDialog item={item} isOpen onOpenChange={close} />}
    </>
  );
}
