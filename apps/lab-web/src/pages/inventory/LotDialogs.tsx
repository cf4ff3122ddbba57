import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { TextField } from '../../components/fields.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { type Lot, refreshInventory } from './inventory-api.ts';
import { quantity } from './stock-format.tsx';

function changeLot(
  lot: Lot,
  body: { status?: 'active' | 'quarantined'; expiry_date?: string | null; reason: string },
) {
  return data(api.PATCH('/api/inventory/lots/{id}', { params: { path: { id: lot.id } }, body }));
}

/**
 * Quarantine an active lot (held: nothing can be consumed from it) or release a quarantined one,
 * with a reason. Releasing settles its status: active, or depleted or expired when that is its state.
 */
export function LotHoldDialog({
  lot,
  isOpen,
  onOpenChange,
}: {
  lot: Lot;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const release = lot.status === 'quarantined';
  return (
    <ReasonDialog
      title={release ? `Release lot ${lot.lot_number}` : `Quarantine lot ${lot.lot_number}`}
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      confirmLabel={release ? 'Release' : 'Quarantine'}
      danger={!release}
      action={(reason) => changeLot(lot, { status: release ? 'active' : 'quarantined', reason })}
      onDone={() => void refreshInventory(queryClient)}
    >
      <p>
        {release
          ? `Releasing makes the ${quantity(lot.quantity_remaining, lot.unit)} left usable again (unless expired or empty).`
          : `Nothing can be consumed from a quarantined lot until it is released. It holds ${quantity(lot.quantity_remaining, lot.unit)}.`}
      </p>
    </ReasonDialog>
  );
}

/** Correct a lot's expiry date (or clear it), with a reason; a past date makes it expired. */
export function ExpiryDialog({
  lot,
  isOpen,
  onOpenChange,
}: {
  lot: Lot;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [expiry, setExpiry] = useState(lot.expiry_date ?? '');
  const [reason, setReason] = useState('');
  const change = useMutation({
    mutationFn: () => changeLot(lot, { expiry_date: expiry || null, reason: reason.trim() }),
    onSuccess: async () => {
      onOpenChange(false);
      await refreshInventory(queryClient);
    },
  });
  return (
    <FormDialog
      title={`Correct the expiry date of lot ${lot.lot_number}`}
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      submitLabel="Save expiry date"
      onSubmit={() => change.mutate()}
      pending={change.isPending}
      disabled={expiry === (lot.expiry_date ?? '')}
      error={change.error}
    >
      <TextField
        label="Expiry date"
        type="date"
        value={expiry}
        onChange={setExpiry}
        autoFocus
        description="Leave empty when the lot does not expire"
      />
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
