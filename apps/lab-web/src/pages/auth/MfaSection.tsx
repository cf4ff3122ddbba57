import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/fields.tsx';
import { ErrorNotice, InfoNotice } from '../../components/Notice.tsx';

/**
 * Two-step sign-in: enrol (password, then the QR code, then a first code to confirm), after which
 * the ten recovery codes are shown this once; or turn it off with the password and a code.
 */
export function MfaSection({ enabled }: { enabled: boolean }) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const enrol = useMutation({ mutationFn: () => data(api.POST('/auth/mfa/enrol', { body: { password } })) });
  const confirm = useMutation({
    mutationFn: () => data(api.POST('/auth/mfa/confirm', { body: { code: code.trim() } })),
    onSuccess: () => {
      setPassword('');
      setCode('');
      void queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const disable = useMutation({
    mutationFn: () => data(api.POST('/auth/mfa/disable', { body: { password, code: code.trim() } })),
    onSuccess: () => {
      setPassword('');
      setCode('');
      enrol.reset();
      confirm.reset();
      void queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });

  if (confirm.data) {
    return (
      <section className="card" aria-labelledby="mfa-heading">
        <h2 id="mfa-heading">Two-step sign-in is on</h2>
        <InfoNotice tone="warning">
          Store these recovery codes somewhere safe now: they are shown this once. Each signs you in once if
          you lose your authenticator.
        </InfoNotice>
        <ul className="recovery-codes" aria-label="Recovery codes">
          {confirm.data.recovery_codes.map((recovery) => (
            <li key={recovery}>
              <code>{recovery}</code>
            </li>
          ))}
        </ul>
        <Button variant="primary" onPress={() => confirm.reset()}>
          I have stored them
        </Button>
      </section>
    );
  }
  if (enabled) {
    const submit = (event: FormEvent) => {
      event.preventDefault();
      disable.mutate();
    };
    return (
      <section className="card" aria-labelledby="mfa-heading">
        <h2 id="mfa-heading">Two-step sign-in</h2>
        <p>On: signing in and signing records ask for a code from your authenticator app.</p>
        <Form onSubmit={submit} className="form form-narrow">
          <TextField
            label="Password"
            type="password"
            value={password}
            onChange={setPassword}
            isRequired
            autoComplete="current-password"
          />
          <TextField
            label="Authenticator or recovery code"
            value={code}
            onChange={setCode}
            isRequired
            autoComplete="one-time-code"
          />
          <ErrorNotice error={disable.error} />
          <Button type="submit" variant="danger" isDisabled={disable.isPending}>
            Turn off two-step sign-in
          </Button>
        </Form>
      </section>
    );
  }
  if (enrol.data) {
    const submit = (event: FormEvent) => {
      event.preventDefault();
      confirm.mutate();
    };
    return (
      <section className="card" aria-labelledby="mfa-heading">
        <h2 id="mfa-heading">Set up two-step sign-in</h2>
        <ol className="steps">
          <li>Scan this code with an authenticator app (or enter the key below by hand).</li>
          <li>Enter the 6-digit code it shows to confirm.</li>
        </ol>
        <img src={enrol.data.qr_png} alt="QR code for your authenticator app" width={200} height={200} />
        <p className="secret-uri">
          Key:{' '}
          <code data-testid="totp-secret">{new URL(enrol.data.otpauth_uri).searchParams.get('secret')}</code>
        </p>
        <Form onSubmit={submit} className="form form-narrow">
          <TextField
            label="Code from the app"
            value={code}
            onChange={setCode}
            isRequired
            autoFocus
            autoComplete="one-time-code"
          />
          <ErrorNotice error={confirm.error} />
          <Button type="submit" variant="primary" isDisabled={confirm.isPending}>
            Confirm
          </Button>
        </Form>
      </section>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    enrol.mutate();
  };
  return (
    <section className="card" aria-labelledby="mfa-heading">
      <h2 id="mfa-heading">Two-step sign-in</h2>
      <p>Off. Turn it on so that a stolen password alone cannot sign in or sign records as you.</p>
      <Form onSubmit={submit} className="form form-narrow">
        <TextField
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          isRequired
          autoComplete="current-password"
        />
        <ErrorNotice error={enrol.error} />
        <Button type="submit" variant="primary" isDisabled={enrol.isPending}>
          Set up two-step sign-in
        </Button>
      </Form>
    </section>
  );
}
