import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import type { GetReply } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';

type MyLab = GetReply<'/api/labs'>[number];
type Node = GetReply<'/api/sites/nodes'>[number];

interface RegisterProps {
  labs: readonly MyLab[];
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}

/** The lab a registration goes to: asked only of someone in several labs (the API's rule too). */
function LabChoice({
  labs,
  value,
  onChange,
}: {
  labs: readonly MyLab[];
  value: string | null;
  onChange: (id: string) => void;
}) {
  if (labs.length < 2) return null;
  return (
    <SelectField
      label="Lab"
      options={labs.map((lab) => ({ id: lab.id, label: `${lab.code} · ${lab.name}` }))}
      value={value}
      onChange={onChange}
      isRequired
    />
  );
}

/** A registration form in a dialog: its fields, the refusal if any, cancel and submit. */
function RegisterForm({
  title,
  isOpen,
  onClose,
  submitLabel,
  run,
  children,
}: {
  title: string;
  isOpen: boolean;
  onClose: (open: boolean) => void;
  submitLabel: string;
  run: { mutate: () => void; isPending: boolean; error: unknown };
  children: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate();
  };
  return (
    <Dialog title={title} isOpen={isOpen} onOpenChange={onClose}>
      <Form onSubmit={submit} className="form">
        {children}
        <ErrorNotice error={run.error} />
        <div className="dialog-actions">
          <Button variant="secondary" onPress={() => onClose(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" isDisabled={run.isPending}>
            {run.isPending ? 'Registering…' : submitLabel}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}

/** Registers a lab computer (a node) by its host name. */
export function RegisterNodeDialog({ labs, isOpen, onOpenChange }: RegisterProps) {
  const queryClient = useQueryClient();
  const [labId, setLabId] = useState<string | null>(labs[0]?.id ?? null);
  const [hostname, setHostname] = useState('');
  const [description, setDescription] = useState('');
  const register = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/sites/nodes', {
          body: {
            hostname: hostname.trim(),
            ...(description.trim() ? { description: description.trim() } : {}),
            ...(labs.length > 1 && labId ? { lab_id: labId } : {}),
          },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['sites'] });
      close(false);
    },
  });
  const close = (open: boolean) => {
    if (!open) {
      register.reset();
      setHostname('');
      setDescription('');
    }
    onOpenChange(open);
  };
  return (
    <RegisterForm
      title="Register a node"
      isOpen={isOpen}
      onClose={close}
      submitLabel="Register node"
      run={register}
    >
      <LabChoice labs={labs} value={labId} onChange={setLabId} />
      <TextField
        label="Host name"
        value={hostname}
        onChange={setHostname}
        isRequired
        autoFocus
        description="The computer's network name, e.g. bench-pc-07.lab.local"
      />
      <TextField label="Description" value={description} onChange={setDescription} multiline rows={2} />
    </RegisterForm>
  );
}

const noNode = '__none__';

/** Registers an instrument gateway (a hub), optionally on one of the lab's nodes. */
export function RegisterHubDialog({
  labs,
  nodes,
  isOpen,
  onOpenChange,
}: RegisterProps & { nodes: readonly Node[] }) {
  const queryClient = useQueryClient();
  const [labId, setLabId] = useState<string | null>(labs[0]?.id ?? null);
  const [nodeId, setNodeId] = useState<string>(noNode);
  const [name, setName] = useState('');
  const labNodes = nodes.filter((node) => labs.length < 2 || node.lab_id === labId);
  const register = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/sites/hubs', {
          body: {
            name: name.trim(),
            ...(nodeId !== noNode ? { node_id: nodeId } : {}),
            ...(labs.length > 1 && labId ? { lab_id: labId } : {}),
          },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['sites'] });
      close(false);
    },
  });
  const close = (open: boolean) => {
    if (!open) {
      register.reset();
      setName('');
      setNodeId(noNode);
    }
    onOpenChange(open);
  };
  return (
    <RegisterForm
      title="Register a hub"
      isOpen={isOpen}
      onClose={close}
      submitLabel="Register hub"
      run={register}
    >
      <LabChoice
        labs={labs}
        value={labId}
        onChange={(id) => {
          setLabId(id);
          setNodeId(noNode);
        }}
      />
      <TextField label="Name" value={name} onChange={setName} isRequired autoFocus />
      <SelectField
        label="Node"
        options={[
          { id: noNode, label: 'None (not on a registered node)' },
          ...labNodes.map((node) => ({ id: node.id, label: node.hostname })),
        ]}
        value={nodeId}
        onChange={setNodeId}
        description="The lab computer the gateway runs on, if registered."
      />
    </RegisterForm>
  );
}
