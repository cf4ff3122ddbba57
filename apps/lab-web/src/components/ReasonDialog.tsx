import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Form } from 'react-aria-components';
import { Button } from './Button.tsx';
import { Dialog } from './Dialog.tsx';
import { TextField } from './fields.tsx';
import { ErrorNotice } from './Notice.tsx';

export interface ReasonDialogProps {
  title: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  /** What the action does, in words, above the reason field. */
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** Performs the action with the reason; the dialog closes when it resolves. */
  action: (reason: string) => Promise<unknown>;
  onDone?: () => void;
}

/** Any change the API records with a reason asks for one here, and shows the refusal if any. */
export function ReasonDialog({
  title,
  isOpen,
  onOpenChange,
  children,
  confirmLabel,
  danger,
  action,
  onDone,
}: ReasonDialogProps) {
  const [reason, setReason] = useState('');
  const run = useMutation({
    mutationFn: () => action(reason.trim()),
    onSuccess: () => {
      setReason('');
      onOpenChange(false);
      onDone?.();
    },
  });
  const close = (open: boolean) => {
    if (!open) {
      run.reset();
      setReason('');
    }
    onOpenChange(open);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate();
  };
  return (
    <Dialog title={title} isOpen={isOpen} onOpenChange={close}>
      <Form onSubmit={submit} className="form">
        {children}
        <TextField
          label="Reason"
          value={reason}
          onChange={setReason}
          isRequired
          multiline
          rows={2}
          autoFocus
          description="Kept in the audit trail with the change."
        />
        <ErrorNotice error={run.error} />
        <div className="dialog-actions">
          <Button variant="secondary" onPress={() => close(false)}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant={danger ? 'danger' : 'primary'}
            isDisabled={run.isPending || !reason.trim()}
          >
            {run.isPending ? 'Working…' : confirmLabel}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
