import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import type { PostBody } from '../../api/types.ts';
import { amountProblem, FormDialog, numberOf } from '../../components/FormDialog.tsx';
import { TextField } from '../../components/fields.tsx';
import type { PickerOption } from '../../components/RecordPicker.tsx';
import { formatDate } from '../../format/dates.ts';
import { type Item, type Lot, refreshInventory } from './inventory-api.ts';
import { type ItemOption, ItemPicker, VendorPicker } from './pickers.tsx';
import { quantity } from './stock-format.tsx';

type Receipt = Awaited<ReturnType<typeof receive>>;

function receive(body: PostBody<'/api/inventory/lots'>) {
  return data(api.POST('/api/inventory/lots', { body }));
}

/**
 * Receive stock. Given a lot: more of that lot. Otherwise into the lot with the number entered
 * (the API creates it, or adds to it when the item already has it), for the given item or one
 * chosen here. The API refuses an expiry date in the past and a lot number that exists with another
 * expiry date or vendor; its message shows here.
 */
export function ReceiveDialog({
  item,
  lot,
  isOpen,
  onOpenChange,
  onReceived,
}: {
  item?: Item | undefined;
  lot?: Lot | undefined;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  onReceived?: (receipt: Receipt) => void;
}) {
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<ItemOption | null>(null);
  const [lotNumber, setLotNumber] = useState('');
  const [amount, setAmount] = useState('');
  const [expiry, setExpiry] = useState('');
  const [vendor, setVendor] = useState<PickerOption | null>(null);
  const [reason, setReason] = useState('');
  const unit = lot?.unit ?? item?.unit ?? chosen?.unit;
  const itemId = lot?.item_id ?? item?.id ?? chosen?.id;
  const run = useMutation({
    mutationFn: (): Promise<Receipt> => {
      const common = { quantity: numberOf(amount) ?? 0, reason: reason.trim() || undefined };
      if (lot) {
        return data(
          api.POST('/api/inventory/lots/{id}/receive', { params: { path: { id: lot.id } }, body: common }),
        );
      }
      return receive({
        ...common,
        item_id: itemId ?? '',
        lot_number: lotNumber.trim(),
        expiry_date: expiry || undefined,
        vendor_id: vendor?.id,
      });
    },
    onSuccess: async (receipt) => {
      setLotNumber('');
      setAmount('');
      setExpiry('');
      setVendor(null);
      setReason('');
      onOpenChange(false);
      await refreshInventory(queryClient);
      onReceived?.(receipt);
    },
  });
  const close = (open: boolean) => {
    if (!open) run.reset();
    onOpenChange(open);
  };
  return (
    <FormDialog
      title={lot ? `Receive more of lot ${lot.lot_number}` : item ? `Receive ${item.code}` : 'Receive stock'}
      isOpen={isOpen}
      onOpenChange={close}
      submitLabel="Receive"
      onSubmit={() => run.mutate()}
      pending={run.isPending}
      disabled={!itemId}
      error={run.error}
    >
      {lot && (
        <p>
          Lot {lot.lot_number} of {lot.item_code} holds {quantity(lot.quantity_remaining, lot.unit)}
          {lot.expiry_date ? `, expiring ${formatDate(lot.expiry_date)}` : ''}.
        </p>
      )}
      {!lot && !item && <ItemPicker selected={chosen} onSelect={setChosen} autoFocus />}
      {!lot && (
        <TextField
          label="Lot number"
          value={lotNumber}
          onChange={setLotNumber}
          isRequired
          autoFocus={!!item}
          description="The supplier's lot number: an existing one of this item adds to that lot"
        />
      )}
      <TextField
        label={unit ? `Quantity (${unit})` : 'Quantity'}
        value={amount}
        onChange={setAmount}
        isRequired
        autoFocus={!!lot}
        inputMode="decimal"
        validate={(text) => amountProblem(text)}
      />
      {!lot && (
        <>
          <TextField
            label="Expiry date"
            type="date"
            value={expiry}
            onChange={setExpiry}
            description="Leave empty when it does not expire"
          />
          <VendorPicker selected={vendor} onSelect={setVendor} />
        </>
      )}
      <TextField
        label="Reason"
        value={reason}
        onChange={setReason}
        multiline
        rows={2}
        description="Optional (delivery note, purchase order…); kept in the ledger"
      />
    </FormDialog>
  );
}
