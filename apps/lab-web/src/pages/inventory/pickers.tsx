import { api, data } from '../../api/client.ts';
import { type PickerOption, RecordPicker } from '../../components/RecordPicker.tsx';
import { inventoryKey } from './inventory-api.ts';

/** An item chosen by the start of its code; the option carries its unit for the quantity label. */
export interface ItemOption extends PickerOption {
  unit: string;
}

export function ItemPicker({
  selected,
  onSelect,
  autoFocus,
}: {
  selected: ItemOption | null;
  onSelect: (item: ItemOption | null) => void;
  autoFocus?: boolean;
}) {
  return (
    <RecordPicker
      label="Item"
      description="Type the start of its code"
      isRequired
      autoFocus={autoFocus}
      queryKey={[...inventoryKey, 'items']}
      selected={selected}
      onSelect={(option) => onSelect(option as ItemOption | null)}
      search={async (q) => {
        const page = await data(api.GET('/api/inventory/items', { params: { query: { q, limit: 20 } } }));
        return page.items.map((item) => ({
          id: item.id,
          label: `${item.code} · ${item.name}`,
          unit: item.unit,
        }));
      }}
    />
  );
}

export function VendorPicker({
  selected,
  onSelect,
}: {
  selected: PickerOption | null;
  onSelect: (vendor: PickerOption | null) => void;
}) {
  return (
    <RecordPicker
      label="Vendor"
      description="Optional; type the start of its code"
      queryKey={[...inventoryKey, 'vendors']}
      selected={selected}
      onSelect={onSelect}
      search={async (q) => {
        const page = await data(api.GET('/api/inventory/vendors', { params: { query: { q, limit: 20 } } }));
        return page.items.map((vendor) => ({ id: vendor.id, label: `${vendor.code} · ${vendor.name}` }));
      }}
    />
  );
}
