import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Checkbox, TextField } from '../../components/fields.tsx';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { PagedTable } from '../../components/PagedTable.tsx';
import { orUndefined } from '../../format/text.ts';
import type { InventorySearch } from './inventory.routes.ts';
import { type Item, inventoryKey } from './inventory-api.ts';
import { quantity, StockLevelBadge } from './stock-format.tsx';

/** The items list: code prefix, category and "low stock only" filters, kept in the address. */
export function ItemsView({ search }: { search: InventorySearch }) {
  const filter = {
    q: search.q,
    category: search.category,
    low_stock: search.low_stock === 'true' ? true : undefined,
  };
  const pages = useKeysetPages([...inventoryKey, 'items', filter], (cursor) =>
    data(api.GET('/api/inventory/items', { params: { query: { ...filter, cursor } } })),
  );
  return (
    <>
      <ItemFilters key={JSON.stringify(filter)} search={search} />
      <PagedTable pages={pages} empty="No items match these filters.">
        {(items) => <ItemsTable items={items} />}
      </PagedTable>
    </>
  );
}

function ItemFilters({ search }: { search: InventorySearch }) {
  const navigate = useNavigate({ from: '/inventory' });
  const [q, setQ] = useState(search.q ?? '');
  const [category, setCategory] = useState(search.category ?? '');
  const [lowOnly, setLowOnly] = useState(search.low_stock === 'true');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    void navigate({
      search: {
        view: search.view,
        q: orUndefined(q),
        category: orUndefined(category),
        low_stock: lowOnly ? 'true' : undefined,
      },
    });
  };
  return (
    <Form className="filters" onSubmit={apply} aria-label="Filter items">
      <TextField label="Code starts with" value={q} onChange={setQ} />
      <TextField label="Category" value={category} onChange={setCategory} />
      <Checkbox isSelected={lowOnly} onChange={setLowOnly}>
        At or below reorder point
      </Checkbox>
      <Button type="submit" variant="secondary">
        Apply filters
      </Button>
      <Button variant="quiet" onPress={() => void navigate({ search: { view: search.view } })}>
        Clear
      </Button>
    </Form>
  );
}

function ItemsTable({ items }: { items: Item[] }) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Items">
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Name</th>
            <th scope="col">Category</th>
            <th scope="col" className="number">
              In stock
            </th>
            <th scope="col" className="number">
              Usable
            </th>
            <th scope="col" className="number">
              Reorder point
            </th>
            <th scope="col" className="number">
              Minimum
            </th>
            <th scope="col">Location</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <td>
                <Link to="/inventory/items/$itemId" params={{ itemId: item.id }}>
                  {item.code}
                </Link>
              </td>
              <td>{item.name}</td>
              <td>{item.category}</td>
              <td className="number">{quantity(item.current_stock, item.unit)}</td>
              <td className="number">
                {quantity(item.available_stock, item.unit)}{' '}
                <StockLevelBadge
                  available={item.available_stock}
                  reorderPoint={item.reorder_point}
                  minStock={item.min_stock}
                />
              </td>
              <td className="number">{quantity(item.reorder_point, item.unit)}</td>
              <td className="number">{quantity(item.min_stock, item.unit)}</td>
              <td>{item.location || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
