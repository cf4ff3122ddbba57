import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { amountProblem, FormDialog, numberOf } from '../../components/FormDialog.tsx';
import { TextField } from '../../components/fields.tsx';
import { type Lot, refreshInventory } from './inventory-api.ts';
import { quantity } from './stock-format.tsx';

/**
 * Consume from a lot, for a sample and/or a run. The API refuses more than is left, a quarantined
 * lot and an expired one (409 with a message naming the lot): the dialog stays open and shows it.
 */
export function ConsumeDialog({
  lot,
  isOpen,
  onOpenChange,
}: {
  lot: Lot;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [amount, setAmount] = useState('');
  const [sample, setSample] = useState('');
  const [runRef, setRunRef] = useState('');
  const [reason, setReason] = useState('');
  const consume = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/inventory/lots/{id}/consume', {
          params: { path: { id: lot.id } },
          body: {
            quantity: numberOf(amount) ?? 0,
            sample_id: sample.trim() || undefined,
            run_ref: runRef.trim() || undefined,
            reason: reason.trim() || undefined,
          },
        }),
      ),
    onSuccess: async () => {
      setAmount('');
      setSample('');
      setRunRef('');
      setReason('');
      onOpenChange(false);
      await refreshInventory(queryClient);
    },
    // A refusal may come from a lot that changed meanwhile: show its current state behind the dialog.
    onError: () => void refreshInventory(queryClient),
  });
  const close = (open: boolean) => {
    if (!open) consume.reset();
    onOpenChange(open);
  };
  return (
    <FormDialog
      title={`Consume from lot ${lot.lot_number}`}
      isOpen={isOpen}
      onOpenChange={close}
      submitLabel="Consume"
      onSubmit={() => consume.mutate()}
      pending={consume.isPending}
      error={consume.error}
    >
      <p>
        {lot.item_code}, lot {lot.lot_number}: {quantity(lot.quantity_remaining, lot.unit)} left.
      </p>
      <TextField
        label={`Quantity (${lot.unit})`}
        value={amount}
        onChange={setAmount}
        isRequired
        autoFocus
        inputMode="decimal"
        validate={(text) => amountProblem(text)}
      />
      <div className="form-row">
        <TextField
          label="Sample"
          value={sample}
          onChange={setSample}
          description="Optional: the sample id it was used for"
        />
        <TextField
          label="Run reference"
          value={runRef}
          onChange={setRunRef}
          description="Optional: the run it was used for"
        />
      </div>
      <TextField
        label="Reason"
        value={reason}
        onChange={setReason}
        multiline
        rows={2}
        description="Optional"
      />
    </FormDialog>
  );
}
