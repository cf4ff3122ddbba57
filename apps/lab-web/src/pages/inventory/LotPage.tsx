import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { ConsumeDialog } from './ConsumeDialog.tsx';
import { lotRoute } from './inventory.routes.ts';
import { inventoryKey, type Lot } from './inventory-api.ts';
import { Ledger } from './LedgerView.tsx';
import { ExpiryDialog, LotHoldDialog } from './LotDialogs.tsx';
import { ReceiveDialog } from './ReceiveDialog.tsx';
import { ExpiryBadge, LotStatusBadge, quantity } from './stock-format.tsx';
import './inventory.css';

/** One lot: what is left, expiry and status; receive, consume, quarantine or release, its ledger. */
export function LotPage() {
  const { lotId } = lotRoute.useParams();
  const lot = useQuery({
    queryKey: [...inventoryKey, 'lot', lotId],
    queryFn: () => data(api.GET('/api/inventory/lots/{id}', { params: { path: { id: lotId } } })),
  });
  if (lot.isPending) return <Loading />;
  if (lot.isError) {
    return (
      <>
        <PageHeader title="Lot" />
        <ErrorNotice error={lot.error} />
        <Link to="/inventory" search={{ view: 'lots' }}>
          Back to the lots
        </Link>
      </>
    );
  }
  return <LotDetails lot={lot.data} />;
}

/** Why a lot cannot be consumed from now, if it cannot. */
function holdNotice(lot: Lot): string | null {
  if (lot.status === 'quarantined') return 'Quarantined: nothing can be consumed until it is released.';
  if (lot.status === 'expired') return 'Expired: it can no longer be consumed or received into.';
  if (lot.status === 'depleted') return 'Depleted: nothing is left in this lot.';
  return null;
}

function LotDetails({ lot }: { lot: Lot }) {
  const can = useCan();
  const [dialog, setDialog] = useState<'receive' | 'consume' | 'hold' | 'expiry' | null>(null);
  const close = (open: boolean) => !open && setDialog(null);
  const notice = holdNotice(lot);
  return (
    <>
      <PageHeader
        title={`Lot ${lot.lot_number}`}
        subtitle={
          <>
            of{' '}
            <Link to="/inventory/items/$itemId" params={{ itemId: lot.item_id }}>
              {lot.item_code}
            </Link>
          </>
        }
      >
        {can('inventory:create') && (
          <>
            <Button variant="primary" onPress={() => setDialog('consume')}>
              Consume
            </Button>
            <Button onPress={() => setDialog('receive')}>Receive more</Button>
          </>
        )}
        {can('inventory:update') && (lot.status === 'active' || lot.status === 'quarantined') && (
          <Button
            variant={lot.status === 'active' ? 'danger' : 'secondary'}
            onPress={() => setDialog('hold')}
          >
            {lot.status === 'active' ? 'Quarantine' : 'Release'}
          </Button>
        )}
        {can('inventory:update') && <Button onPress={() => setDialog('expiry')}>Correct expiry date</Button>}
      </PageHeader>
      {notice && <InfoNotice tone="warning">{notice}</InfoNotice>}
      <div className="inv-cards">
        <section className="card" aria-labelledby="remaining-heading">
          <h2 id="remaining-heading">Remaining</h2>
          <p className="inv-stock-figure">{quantity(lot.quantity_remaining, lot.unit)}</p>
          <p className="figure-caption">of {quantity(lot.quantity_received, lot.unit)} received</p>
        </section>
        <section className="card" aria-labelledby="lot-heading">
          <h2 id="lot-heading">Lot</h2>
          <dl className="details">
            <dt>Status</dt>
            <dd>
              <LotStatusBadge status={lot.status} />
            </dd>
            <dt>Expiry</dt>
            <dd>
              <ExpiryBadge date={lot.expiry_date} />
            </dd>
            <dt>Item</dt>
            <dd>{lot.item_code}</dd>
            <dt>Received</dt>
            <dd>{formatDateTime(lot.created_at)}</dd>
            <dt>Last changed</dt>
            <dd>{formatDateTime(lot.updated_at)}</dd>
          </dl>
        </section>
      </div>
      <section className="card" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Ledger</h2>
        <Ledger
          filter={{ lot_id: lot.id }}
          context={{ lot, item: { id: lot.item_id, code: lot.item_code, unit: lot.unit } }}
        />
      </section>
      {dialog === 'consume' && <ConsumeDialog lot={lot} isOpen onOpenChange={close} />}
      {dialog === 'receive' && <ReceiveDialog lot={lot} isOpen onOpenChange={close} />}
      {dialog === 'hold' && <LotHoldDialog lot={lot} isOpen onOpenChange={close} />}
      {dialog === 'expiry' && <ExpiryDialog lot={lot} isOpen onOpenChange={close} />}
    </>
  );
}
