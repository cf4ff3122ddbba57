import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';
import { type Lab, useRefreshAccounts } from './admin-api.ts';

/** A new lab (site) in one of the organizations the installation has (the first one by default). */
export function CreateLabDialog({
  labs,
  isOpen,
  onOpenChange,
}: {
  labs: readonly Lab[];
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const refresh = useRefreshAccounts();
  const organizations = [
    ...new Map(labs.map((lab) => [lab.organization_id, lab.organization_name])).entries(),
  ];
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [organization, setOrganization] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/admin/labs', {
          body: {
            code: code.trim(),
            name: name.trim(),
            ...(organization ? { organization_id: organization } : {}),
          },
        }),
      ),
    onSuccess: () => {
      refresh();
      close(false);
    },
  });
  const close = (open: boolean) => {
    if (!open) {
      create.reset();
      setCode('');
      setName('');
      setOrganization(null);
    }
    onOpenChange(open);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Dialog title="Create a lab" isOpen={isOpen} onOpenChange={close}>
      <Form onSubmit={submit} className="form">
        <TextField
          label="Code"
          value={code}
          onChange={(value) => setCode(value.toUpperCase())}
          isRequired
          autoFocus
          description="Short, upper case: letters, digits, dash or underscore (e.g. BOS-2)."
        />
        <TextField label="Name" value={name} onChange={setName} isRequired />
        {organizations.length > 1 && (
          <SelectField
            label="Organization"
            options={organizations.map(([id, label]) => ({ id, label }))}
            value={organization ?? organizations[0]?.[0] ?? null}
            onChange={setOrganization}
          />
        )}
        <ErrorNotice error={create.error} />
        <div className="dialog-actions">
          <Button variant="secondary" onPress={() => close(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" isDisabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create lab'}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
