import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ViewTabs } from '../../components/ViewTabs.tsx';
import { useCan } from '../../session/use-me.ts';
import { AlertsView } from './AlertsView.tsx';
import { RegisterItemDialog } from './ItemDialogs.tsx';
import { ItemsView } from './ItemsView.tsx';
import { inventoryRoute } from './inventory.routes.ts';
import { LedgerView } from './LedgerView.tsx';
import { LotsView } from './LotsView.tsx';
import { ReceiveDialog } from './ReceiveDialog.tsx';
import { ExpiredView, ExpiringView, LowStockView } from './ReportViews.tsx';
import { RegisterVendorDialog } from './VendorDialogs.tsx';
import { VendorsView } from './VendorsView.tsx';
import './inventory.css';

const views = [
  { id: 'items', label: 'Items' },
  { id: 'lots', label: 'Lots' },
  { id: 'movements', label: 'Ledger' },
  { id: 'low-stock', label: 'Low stock' },
  { id: 'expiring', label: 'Expiring' },
  { id: 'expired', label: 'Expired' },
  { id: 'alerts', label: 'Open alerts' },
  { id: 'vendors', label: 'Vendors' },
] as const;
type ViewId = (typeof views)[number]['id'];

const isView = (value: string | undefined): value is ViewId => views.some((view) => view.id === value);

/** Inventory: items and their stock, lots, the ledger, the stock reports, alerts and vendors. */
export function InventoryPage() {
  const search = inventoryRoute.useSearch();
  const navigate = useNavigate({ from: '/inventory' });
  const can = useCan();
  const [dialog, setDialog] = useState<'item' | 'vendor' | 'receive' | null>(null);
  const view: ViewId = isView(search.view) ? search.view : 'items';
  const close = (open: boolean) => !open && setDialog(null);
  return (
    <>
      <PageHeader
        title="Inventory"
        subtitle="Reagents, consumables and standards: stock, lots and their movements"
      >
        {can('inventory:create') && (
          <>
            <Button variant="primary" onPress={() => setDialog('receive')}>
              Receive stock
            </Button>
            <Button onPress={() => setDialog('item')}>Register item</Button>
            <Button onPress={() => setDialog('vendor')}>Register vendor</Button>
          </>
        )}
      </PageHeader>
      <ViewTabs
        label="Inventory views"
        views={views}
        selected={view}
        // A new view starts without the previous view's filters.
        onSelect={(next) => void navigate({ search: { view: next === 'items' ? undefined : next } })}
      >
        {(shown) => (
          <>
            {shown === 'items' && <ItemsView search={search} />}
            {shown === 'lots' && <LotsView search={search} />}
            {shown === 'movements' && <LedgerView search={search} />}
            {shown === 'low-stock' && <LowStockView />}
            {shown === 'expiring' && <ExpiringView search={search} />}
            {shown === 'expired' && <ExpiredView />}
            {shown === 'alerts' && <AlertsView search={search} />}
            {shown === 'vendors' && <VendorsView search={search} />}
          </>
        )}
      </ViewTabs>
      <RegisterItemDialog isOpen={dialog === 'item'} onOpenChange={close} />
      <RegisterVendorDialog isOpen={dialog === 'vendor'} onOpenChange={close} />
      <ReceiveDialog
        isOpen={dialog === 'receive'}
        onOpenChange={close}
        onReceived={(receipt) =>
          void navigate({ to: '/inventory/lots/$lotId', params: { lotId: receipt.lot.id } })
        }
      />
    </>
  );
}
