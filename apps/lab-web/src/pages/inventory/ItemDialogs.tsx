import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { amountProblem, FormDialog, numberOf } from '../../components/FormDialog.tsx';
import { TextField } from '../../components/fields.tsx';
import { LabField } from '../../components/LabField.tsx';
import { InfoNotice } from '../../components/Notice.tsx';
import { type Item, refreshInventory } from './inventory-api.ts';

const threshold = (text: string) => amountProblem(text, { allowZero: true, required: false });

/** Register an item (its stock starts at zero), then open its page to receive the first lot. */
export function RegisterItemDialog({
  isOpen,
  onOpenChange,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [category, setCategory] = useState('');
  const [unit, setUnit] = useState('');
  const [location, setLocation] = useState('');
  const [reorderPoint, setReorderPoint] = useState('');
  const [minStock, setMinStock] = useState('');
  const [labId, setLabId] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/inventory/items', {
          body: {
            code: code.trim(),
            name: name.trim(),
            category: category.trim(),
            unit: unit.trim(),
            location: location.trim() || undefined,
            reorder_point: numberOf(reorderPoint),
            min_stock: numberOf(minStock),
            lab_id: labId ?? undefined,
          },
        }),
      ),
    onSuccess: async (item) => {
      onOpenChange(false);
      await refreshInventory(queryClient);
      await navigate({ to: '/inventory/items/$itemId', params: { itemId: item.id } });
    },
  });
  const close = (open: boolean) => {
    if (!open) create.reset();
    onOpenChange(open);
  };
  return (
    <FormDialog
      title="Register an item"
      isOpen={isOpen}
      onOpenChange={close}
      submitLabel="Register item"
      onSubmit={() => create.mutate()}
      pending={create.isPending}
      error={create.error}
    >
      <LabField value={labId} onChange={setLabId} />
      <div className="form-row">
        <TextField
          label="Code"
          value={code}
          onChange={setCode}
          isRequired
          autoFocus
          description="Unique in the lab"
        />
        <TextField label="Name" value={name} onChange={setName} isRequired />
      </div>
      <div className="form-row">
        <TextField
          label="Category"
          value={category}
          onChange={setCategory}
          isRequired
          description="e.g. reagent, consumable, standard"
        />
        <TextField label="Unit" value={unit} onChange={setUnit} isRequired description="e.g. mL, g, pcs" />
      </div>
      <TextField label="Location" value={location} onChange={setLocation} />
      <div className="form-row">
        <TextField
          label="Reorder point"
          value={reorderPoint}
          onChange={setReorderPoint}
          inputMode="decimal"
          validate={threshold}
          description="Low stock at or below this"
        />
        <TextField
          label="Minimum stock"
          value={minStock}
          onChange={setMinStock}
          inputMode="decimal"
          validate={threshold}
          description="Critical at or below this"
        />
      </div>
    </FormDialog>
  );
}

/** Change an item's description or thresholds (never its stock), with a reason. */
export function EditItemDialog({
  item,
  isOpen,
  onOpenChange,
}: {
  item: Item;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(item.name);
  const [location, setLocation] = useState(item.location);
  const [reorderPoint, setReorderPoint] = useState(String(item.reorder_point));
  const [minStock, setMinStock] = useState(String(item.min_stock));
  const [reason, setReason] = useState('');
  // Only what changed is sent: the API records each changed field with the reason.
  const changes = {
    ...(name.trim() !== item.name ? { name: name.trim() } : {}),
    ...(location.trim() !== item.location ? { location: location.trim() } : {}),
    ...(numberOf(reorderPoint) !== item.reorder_point ? { reorder_point: numberOf(reorderPoint) } : {}),
    ...(numberOf(minStock) !== item.min_stock ? { min_stock: numberOf(minStock) } : {}),
  };
  const unchanged = Object.keys(changes).length === 0;
  const change = useMutation({
    mutationFn: () =>
      data(
        api.PATCH('/api/inventory/items/{id}', {
          params: { path: { id: item.id } },
          body: { ...changes, reason: reason.trim() },
        }),
      ),
    onSuccess: async () => {
      setReason('');
      onOpenChange(false);
      await refreshInventory(queryClient);
    },
  });
  const close = (open: boolean) => {
    if (!open) change.reset();
    onOpenChange(open);
  };
  return (
    <FormDialog
      title={`Edit item ${item.code}`}
      isOpen={isOpen}
      onOpenChange={close}
      submitLabel="Save changes"
      onSubmit={() => !unchanged && change.mutate()}
      pending={change.isPending}
      disabled={unchanged}
      error={change.error}
    >
      <TextField label="Name" value={name} onChange={setName} isRequired autoFocus />
      <TextField label="Location" value={location} onChange={setLocation} />
      <div className="form-row">
        <TextField
          label={`Reorder point (${item.unit})`}
          value={reorderPoint}
          onChange={setReorderPoint}
          inputMode="decimal"
          isRequired
          validate={(text) => amountProblem(text, { allowZero: true })}
        />
        <TextField
          label={`Minimum stock (${item.unit})`}
          value={minStock}
          onChange={setMinStock}
          inputMode="decimal"
          isRequired
          validate={(text) => amountProblem(text, { allowZero: true })}
        />
      </div>
      {unchanged && <InfoNotice>Change a field to save.</InfoNotice>}
      <TextField
        label="Reason"
        value={reason}
        onChange={setReason}
        isRequired
        multiline
        rows={2}
        description="Kept in the audit trail with the change."
      />
    </FormDialog>
  );
}
