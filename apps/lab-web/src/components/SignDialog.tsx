import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { formatDateTime } from '../format/dates.ts';
import { useMe } from '../session/use-me.ts';
import { Button } from './Button.tsx';
import { Dialog } from './Dialog.tsx';
import { SelectField, TextField } from './fields.tsx';
import { ErrorNotice } from './Notice.tsx';

/** What a signature shows once made (21 CFR 11.50): who, when, and what the signature means. */
export interface Manifestation {
  printed_name: string;
  signed_at: string;
  meaning: string;
}

/** What the signer enters: the meaning, a reason, and their credentials again (11.200). */
export interface SigningInput {
  meaning: string;
  reason: string;
  password: string;
  totp?: string | undefined;
}

const meanings = ['authored', 'reviewed', 'approved', 'released', 'responsibility'] as const;

export interface SignDialogProps {
  title: string;
  /** The record, as the signer should recognise it ("Workflow crystallization v2"). */
  recordLabel: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  /** A fixed meaning (an approval is "approved"); otherwise the signer chooses. */
  meaning?: (typeof meanings)[number];
  /** Makes the signature; answers its manifestation. */
  sign: (input: SigningInput) => Promise<Manifestation>;
  onSigned?: (manifestation: Manifestation) => void;
}

/**
 * The one signing dialog: the record, the meaning, a reason, the password (and the authenticator
 * code when the signer has MFA), then the signature's manifestation: printed name, time, meaning.
 */
export function SignDialog({
  title,
  recordLabel,
  isOpen,
  onOpenChange,
  meaning,
  sign,
  onSigned,
}: SignDialogProps) {
  const me = useMe();
  const [chosen, setChosen] = useState<string>(meaning ?? 'reviewed');
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const signing = useMutation({
    mutationFn: () =>
      sign({
        meaning: meaning ?? chosen,
        reason,
        password,
        totp: me.data?.mfa_enabled ? totp.trim() : undefined,
      }),
    onSuccess: (manifestation) => {
      setPassword('');
      setTotp('');
      onSigned?.(manifestation);
    },
  });
  const close = (open: boolean) => {
    if (!open) {
      signing.reset();
      setReason('');
      setPassword('');
      setTotp('');
    }
    onOpenChange(open);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signing.mutate();
  };
  const done = signing.data;
  return (
    <Dialog title={title} isOpen={isOpen} onOpenChange={close}>
      {done ? (
        <div className="manifestation" role="status">
          <p className="manifestation-title">Electronically signed</p>
          <dl>
            <dt>Record</dt>
            <dd>{recordLabel}</dd>
            <dt>Signed by</dt>
            <dd>{done.printed_name}</dd>
            <dt>Date and time</dt>
            <dd>{formatDateTime(done.signed_at)}</dd>
            <dt>Meaning</dt>
            <dd>{done.meaning}</dd>
          </dl>
          <div className="dialog-actions">
            <Button variant="primary" onPress={() => close(false)} autoFocus>
              Close
            </Button>
          </div>
        </div>
      ) : (
        <Form onSubmit={submit} className="form">
          <p>
            You are signing <strong>{recordLabel}</strong>
            {me.data ? ` as ${me.data.full_name}` : ''}. Your signature is legally binding and recorded in the
            audit trail.
          </p>
          {meaning ? (
            <p>
              Meaning: <strong>{meaning}</strong>
            </p>
          ) : (
            <SelectField
              label="Meaning"
              options={meanings.map((id) => ({ id, label: id }))}
              value={chosen}
              onChange={setChosen}
              isRequired
            />
          )}
          <TextField
            label="Reason"
            value={reason}
            onChange={setReason}
            isRequired
            multiline
            rows={2}
            autoFocus
          />
          <TextField
            label="Password"
            type="password"
            value={password}
            onChange={setPassword}
            isRequired
            autoComplete="current-password"
          />
          {me.data?.mfa_enabled && (
            <TextField
              label="Authenticator code"
              value={totp}
              onChange={setTotp}
              isRequired
              autoComplete="one-time-code"
              description="The 6-digit code from your authenticator app, or a recovery code."
            />
          )}
          <ErrorNotice error={signing.error} />
          <div className="dialog-actions">
            <Button variant="secondary" onPress={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" isDisabled={signing.isPending}>
              {signing.isPending ? 'Signing…' : 'Sign'}
            </Button>
          </div>
        </Form>
      )}
    </Dialog>
  );
}
