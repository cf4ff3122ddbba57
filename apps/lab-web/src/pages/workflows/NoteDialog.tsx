import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../components/Button.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { TextField } from '../../components/fields.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';

export interface NoteDialogProps {
  title: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  children: ReactNode;
  confirmLabel: string;
  /** Performs the action with the note (undefined when none was written). */
  action: (note: string | undefined) => Promise<unknown>;
}

/**
 * A confirmation for an action whose reason the API takes but does not require (submitting a draft,
 * adding a version): the person may say why, and the audit trail keeps it. Actions that require a
 * reason use the shared ReasonDialog instead.
 */
export function NoteDialog({ title, isOpen, onOpenChange, children, confirmLabel, action }: NoteDialogProps) {
  const [note, setNote] = useState('');
  const run = useMutation({
    mutationFn: () => action(note.trim() || undefined),
    onSuccess: () => {
      setNote('');
      onOpenChange(false);
    },
  });
  const close = (open: boolean) => {
    if (!open) run.reset();
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
          label="Reason (optional)"
          value={note}
          onChange={setNote}
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
          <Button type="submit" variant="primary" isDisabled={run.isPending}>
            {run.isPending ? 'Working…' : confirmLabel}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
