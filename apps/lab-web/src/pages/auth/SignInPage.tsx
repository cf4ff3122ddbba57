import { useMutation } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { ApiError } from '../../api/api-error.ts';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/fields.tsx';
import { ErrorNotice, InfoNotice } from '../../components/Notice.tsx';
import { RedirectTo } from '../../components/RedirectTo.tsx';
import { type BrowserTokens, startSession, useSession } from '../../session/session-store.ts';
import { useUiSettings } from '../../session/ui-settings.ts';
import { AuthFrame } from './AuthFrame.tsx';

function lockedMessage(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.code !== 'account_locked') return undefined;
  const until = (error.details as { locked_until?: string } | undefined)?.locked_until;
  const when = until
    ? new Date(until).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : 'later';
  return `This account is locked after too many failed attempts. Try again after ${when}, or ask an administrator to unlock it.`;
}

/** Sign in with e-mail and password, then, for MFA accounts, an authenticator or recovery code. */
export function SignInPage() {
  const session = useSession();
  const settings = useUiSettings();
  const search = useSearch({ from: '/sign-in' });
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [mfaToken, setMfaToken] = useState<string | undefined>(undefined);
  const [code, setCode] = useState('');
  const finish = (tokens: BrowserTokens) => {
    startSession(tokens);
    void navigate({ to: search.redirect ?? '/', replace: true });
  };
  const login = useMutation({
    mutationFn: () => data(api.POST('/auth/login', { body: { email, password, session: 'cookie' } })),
    onSuccess: (reply) => {
      if ('mfa_required' in reply) setMfaToken(reply.mfa_token);
      else finish(reply as BrowserTokens);
    },
  });
  const mfa = useMutation({
    mutationFn: () =>
      data(
        api.POST('/auth/mfa', { body: { mfa_token: mfaToken ?? '', code: code.trim(), session: 'cookie' } }),
      ),
    onSuccess: (reply) => finish(reply as BrowserTokens),
  });
  if (settings.data?.setup_required) return <RedirectTo to="/setup" />;
  if (session.status === 'signed-in') return <RedirectTo to={search.redirect ?? '/'} />;
  const reason = session.status === 'signed-out' ? session.reason : undefined;

  if (mfaToken) {
    const submit = (event: FormEvent) => {
      event.preventDefault();
      mfa.mutate();
    };
    return (
      <AuthFrame title="Two-step sign-in">
        <Form onSubmit={submit} className="form">
          <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
          <TextField
            label="Code"
            name="code"
            value={code}
            onChange={setCode}
            isRequired
            autoFocus
            autoComplete="one-time-code"
            inputMode="text"
          />
          <ErrorNotice error={mfa.error} />
          <Button type="submit" variant="primary" isDisabled={mfa.isPending}>
            {mfa.isPending ? 'Checking…' : 'Verify'}
          </Button>
          <Button variant="quiet" onPress={() => setMfaToken(undefined)}>
            Back
          </Button>
        </Form>
      </AuthFrame>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  const locked = lockedMessage(login.error);
  return (
    <AuthFrame title="Sign in">
      {reason && <InfoNotice tone="warning">{reason}</InfoNotice>}
      <Form onSubmit={submit} className="form">
        <TextField
          label="E-mail"
          name="email"
          type="email"
          value={email}
          onChange={setEmail}
          isRequired
          autoFocus
          autoComplete="username"
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          value={password}
          onChange={setPassword}
          isRequired
          autoComplete="current-password"
        />
        {locked ? (
          <div className="notice notice-error" role="alert">
            {locked}
          </div>
        ) : (
          <ErrorNotice error={login.error} />
        )}
        <Button type="submit" variant="primary" isDisabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
      </Form>
    </AuthFrame>
  );
}
