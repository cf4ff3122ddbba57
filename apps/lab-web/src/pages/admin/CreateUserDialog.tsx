import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { CheckboxGroup, Form, Label, Text } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { Checkbox, TextField } from '../../components/fields.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';
import { useAllLabs, useRefreshAccounts, useRoles } from './admin-api.ts';

export const passwordRules =
  'At least 12 characters with upper case, lower case, a digit and a symbol; not built on the e-mail.';

/**
 * A new account: name, e-mail, a first password to hand over, its roles and its labs (the default
 * lab when none is chosen). The API records the creation in the trail; it asks no reason.
 */
export function CreateUserDialog({
  isOpen,
  onOpenChange,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const navigate = useNavigate();
  const refresh = useRefreshAccounts();
  const roles = useRoles(isOpen);
  const labs = useAllLabs(isOpen);
  const [fullName, setFullName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [chosenRoles, setChosenRoles] = useState<string[]>([]);
  const [chosenLabs, setChosenLabs] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/admin/users', {
          body: {
            full_name: fullName.trim(),
            email: email.trim(),
            password,
            roles: chosenRoles,
            ...(chosenLabs.length > 0 ? { labs: chosenLabs } : {}),
          },
        }),
      ),
    onSuccess: (user) => {
      refresh();
      close(false);
      void navigate({ to: '/admin/users/$userId', params: { userId: user.id } });
    },
  });
  const close = (open: boolean) => {
    if (!open) {
      create.reset();
      setFullName('');
      setEmail('');
      setPassword('');
      setChosenRoles([]);
      setChosenLabs([]);
    }
    onOpenChange(open);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Dialog title="Create a user" isOpen={isOpen} onOpenChange={close} wide>
      <Form onSubmit={submit} className="form">
        <div className="form-row">
          <TextField label="Full name" value={fullName} onChange={setFullName} isRequired autoFocus />
          <TextField label="E-mail" type="email" value={email} onChange={setEmail} isRequired />
          <TextField
            label="First password"
            type="password"
            value={password}
            onChange={setPassword}
            isRequired
            autoComplete="new-password"
            description={passwordRules}
          />
        </div>
        <ErrorNotice error={roles.error} />
        {roles.data && (
          <CheckboxGroup value={chosenRoles} onChange={setChosenRoles} className="choice-group">
            <Label>Roles</Label>
            {roles.data.map((role) => (
              <Checkbox key={role.name} value={role.name}>
                <span>{role.name}</span> <span className="item-description">— {role.description}</span>
              </Checkbox>
            ))}
          </CheckboxGroup>
        )}
        <ErrorNotice error={labs.error} />
        {labs.data && labs.data.length > 1 && (
          <CheckboxGroup value={chosenLabs} onChange={setChosenLabs} className="choice-group">
            <Label>Labs</Label>
            <Text slot="description" className="item-description">
              The default lab when none is chosen.
            </Text>
            {labs.data.map((lab) => (
              <Checkbox key={lab.id} value={lab.id}>
                {lab.code} · {lab.name}
              </Checkbox>
            ))}
          </CheckboxGroup>
        )}
        <ErrorNotice error={create.error} />
        <div className="dialog-actions">
          <Button variant="secondary" onPress={() => close(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" isDisabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create user'}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
