import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/fields.tsx';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { RedirectTo } from '../../components/RedirectTo.tsx';
import { useUiSettings } from '../../session/ui-settings.ts';
import { AuthFrame } from './AuthFrame.tsx';

/** First run: the one-time setup token (printed by the server at start) creates the first administrator. */
export function SetupPage() {
  const settings = useUiSettings();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ setup_token: '', email: '', full_name: '', password: '', repeat: '' });
  const field = (name: keyof typeof form) => ({
    name,
    value: form[name],
    onChange: (value: string) => setForm((current) => ({ ...current, [name]: value })),
  });
  const setup = useMutation({
    mutationFn: () => {
      const { repeat: _repeat, ...body } = form;
      return data(api.POST('/auth/setup', { body }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['ui-settings'] }),
  });
  if (settings.isPending) return <Loading />;
  if (setup.isSuccess) {
    return (
      <AuthFrame title="The lab is ready">
        <InfoNotice tone="success">The administrator account {setup.data.email} was created.</InfoNotice>
        <p>
          <Link to="/sign-in">Sign in</Link> with it, then turn on two-step sign-in under your account.
        </p>
      </AuthFrame>
    );
  }
  if (settings.data && !settings.data.setup_required) return <RedirectTo to="/sign-in" />;
  const mismatch = form.repeat !== '' && form.repeat !== form.password;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!mismatch) setup.mutate();
  };
  return (
    <AuthFrame title="Set up the lab">
      <p>
        Create the first administrator. The one-time setup token was printed by the lab server when it started
        (in its console output).
      </p>
      <Form onSubmit={submit} className="form">
        <TextField label="Setup token" {...field('setup_token')} isRequired autoFocus autoComplete="off" />
        <TextField label="Full name" {...field('full_name')} isRequired autoComplete="name" />
        <TextField label="E-mail" type="email" {...field('email')} isRequired autoComplete="username" />
        <TextField
          label="Password"
          type="password"
          {...field('password')}
          isRequired
          autoComplete="new-password"
          description="At least 12 characters, with upper and lower case letters, a digit and a symbol."
        />
        <TextField
          label="Repeat the password"
          type="password"
          {...field('repeat')}
          isRequired
          autoComplete="new-password"
          errorMessage={mismatch ? 'The passwords differ.' : undefined}
        />
        <ErrorNotice error={setup.error} />
        <Button type="submit" variant="primary" isDisabled={setup.isPending}>
          {setup.isPending ? 'Creating…' : 'Create administrator'}
        </Button>
      </Form>
    </AuthFrame>
  );
}
