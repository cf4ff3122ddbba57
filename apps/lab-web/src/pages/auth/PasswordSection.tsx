import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/fields.tsx';
import { ErrorNotice, InfoNotice } from '../../components/Notice.tsx';

/** Change my password (the API ends my other sessions). */
export function PasswordSection({ mfaEnabled }: { mfaEnabled: boolean }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [code, setCode] = useState('');
  const change = useMutation({
    mutationFn: () =>
      data(
        api.POST('/auth/password', {
          body: {
            current_password: current,
            new_password: next,
            ...(mfaEnabled ? { code: code.trim() } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setRepeat('');
      setCode('');
    },
  });
  const mismatch = repeat !== '' && repeat !== next;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!mismatch) change.mutate();
  };
  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <Form onSubmit={submit} className="form form-narrow">
        <TextField
          label="Current password"
          type="password"
          value={current}
          onChange={setCurrent}
          isRequired
          autoComplete="current-password"
        />
        <TextField
          label="New password"
          type="password"
          value={next}
          onChange={setNext}
          isRequired
          autoComplete="new-password"
          description="At least 12 characters, with upper and lower case letters, a digit and a symbol; not one of your recent passwords."
        />
        <TextField
          label="Repeat the new password"
          type="password"
          value={repeat}
          onChange={setRepeat}
          isRequired
          autoComplete="new-password"
          errorMessage={mismatch ? 'The passwords differ.' : undefined}
        />
        {mfaEnabled && (
          <TextField
            label="Authenticator code"
            value={code}
            onChange={setCode}
            isRequired
            autoComplete="one-time-code"
          />
        )}
        <ErrorNotice error={change.error} />
        {change.isSuccess && (
          <InfoNotice tone="success">Password changed. Your other sessions were signed out.</InfoNotice>
        )}
        <Button type="submit" variant="primary" isDisabled={change.isPending}>
          Change password
        </Button>
      </Form>
    </section>
  );
}
