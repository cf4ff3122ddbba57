import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { TextField } from '../../components/fields.tsx';
import { LabField } from '../../components/LabField.tsx';
import { refreshInventory, type Vendor } from './inventory-api.ts';

/** Contact details from the form: only the ones filled in. */
function contactOf(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value.trim() !== ''));
}

/** The other contact details a vendor has (this form edits phone and e-mail; a cleared one goes). */
function withoutPhoneAndEmail(contact: Record<string, unknown>): Record<string, unknown> {
  const { phone: _phone, email: _email, ...rest } = contact;
  return rest;
}

/** Register a vendor: a code unique in the lab, a name, contact details. */
export function RegisterVendorDialog({
  isOpen,
  onOpenChange,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [labId, setLabId] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/inventory/vendors', {
          body: {
            code: code.trim(),
            name: name.trim(),
            contact_info: contactOf({ phone, email }),
            lab_id: labId ?? undefined,
          },
        }),
      ),
    onSuccess: async () => {
      setCode('');
      setName('');
      setPhone('');
      setEmail('');
      onOpenChange(false);
      await refreshInventory(queryClient);
    },
  });
  const close = (open: boolean) => {
    if (!open) create.reset();
    onOpenChange(open);
  };
  return (
    <FormDialog
      title="Register a vendor"
      isOpen={isOpen}
      onOpenChange={close}
      submitLabel="Register vendor"
      onSubmit={() => create.mutate()}
      pending={create.isPending}
      error={create.error}
    >
      <LabField value={labId} onChange={setLabId} />
      <TextField
        label="Code"
        value={code}
        onChange={setCode}
        isRequired
        autoFocus
        description="Letters, digits, dot, dash or underscore; unique in the lab"
      />
      <TextField label="Name" value={name} onChange={setName} isRequired />
      <div className="form-row">
        <TextField label="Phone" value={phone} onChange={setPhone} type="tel" />
        <TextField label="E-mail" value={email} onChange={setEmail} type="email" />
      </div>
    </FormDialog>
  );
}

/** Change a vendor's name or contact details, with a reason (kept in the audit trail). */
export function RenameVendorDialog({
  vendor,
  isOpen,
  onOpenChange,
}: {
  vendor: Vendor;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(vendor.name);
  const [phone, setPhone] = useState(String(vendor.contact_info.phone ?? ''));
  const [email, setEmail] = useState(String(vendor.contact_info.email ?? ''));
  const [reason, setReason] = useState('');
  const change = useMutation({
    mutationFn: () =>
      data(
        api.PATCH('/api/inventory/vendors/{id}', {
          params: { path: { id: vendor.id } },
          body: {
            name: name.trim(),
            contact_info: { ...withoutPhoneAndEmail(vendor.contact_info), ...contactOf({ phone, email }) },
            reason: reason.trim(),
          },
        }),
      ),
    onSuccess: async () => {
      onOpenChange(false);
      await refreshInventory(queryClient);
    },
  });
  return (
    <FormDialog
      title={`Edit vendor ${vendor.code}`}
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      submitLabel="Save"
      onSubmit={() => change.mutate()}
      pending={change.isPending}
      error={change.error}
    >
      <TextField label="Name" value={name} onChange={setName} isRequired autoFocus />
      <div className="form-row">
        <TextField label="Phone" value={phone} onChange={setPhone} type="tel" />
        <TextField label="E-mail" value={email} onChange={setEmail} type="email" />
      </div>
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
