import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/fields.tsx';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { PagedTable } from '../../components/PagedTable.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { orUndefined } from '../../format/text.ts';
import { useCan } from '../../session/use-me.ts';
import type { InventorySearch } from './inventory.routes.ts';
import { inventoryKey, type Vendor } from './inventory-api.ts';
import { RenameVendorDialog } from './VendorDialogs.tsx';

/** The vendors of my labs (code prefix filter); renaming one asks for a reason. */
export function VendorsView({ search }: { search: InventorySearch }) {
  const pages = useKeysetPages([...inventoryKey, 'vendors', search.q ?? null], (cursor) =>
    data(api.GET('/api/inventory/vendors', { params: { query: { q: search.q, cursor } } })),
  );
  return (
    <>
      <VendorFilter key={search.q ?? ''} search={search} />
      <PagedTable pages={pages} empty="No vendors registered yet.">
        {(vendors) => <VendorsTable vendors={vendors} />}
      </PagedTable>
    </>
  );
}

function VendorFilter({ search }: { search: InventorySearch }) {
  const navigate = useNavigate({ from: '/inventory' });
  const [q, setQ] = useState(search.q ?? '');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    void navigate({ search: { view: search.view, q: orUndefined(q) } });
  };
  return (
    <Form className="filters" onSubmit={apply} aria-label="Filter vendors">
      <TextField label="Code starts with" value={q} onChange={setQ} />
      <Button type="submit" variant="secondary">
        Apply filter
      </Button>
    </Form>
  );
}

/** Contact details as the free object holds them ("phone: …, email: …"). */
export function contactText(contact: Record<string, unknown>): string {
  const parts = Object.entries(contact).map(([name, value]) => `${name}: ${String(value)}`);
  return parts.length > 0 ? parts.join(' · ') : '—';
}

function VendorsTable({ vendors }: { vendors: Vendor[] }) {
  const can = useCan();
  const [renaming, setRenaming] = useState<Vendor | null>(null);
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Vendors">
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Name</th>
            <th scope="col">Contact</th>
            <th scope="col">Registered</th>
            {can('inventory:update') && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {vendors.map((vendor) => (
            <tr key={vendor.id}>
              <td>{vendor.code}</td>
              <td>{vendor.name}</td>
              <td>{contactText(vendor.contact_info)}</td>
              <td>{formatDateTime(vendor.created_at)}</td>
              {can('inventory:update') && (
                <td>
                  <Button
                    variant="quiet"
                    onPress={() => setRenaming(vendor)}
                    aria-label={`Edit ${vendor.code}`}
                  >
                    Edit
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {renaming && (
        <RenameVendorDialog vendor={renaming} isOpen onOpenChange={(open) => !open && setRenaming(null)} />
      )}
    </div>
  );
}
