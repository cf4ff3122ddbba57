import type { FormEvent, ReactNode } from 'react';
import { Form } from 'react-aria-components';
import { Button } from './Button.tsx';
import { Dialog } from './Dialog.tsx';
import { ErrorNotice } from './Notice.tsx';

/**
 * A dialog holding one form: its fields, the API's refusal (shown here, in the dialog, so the person
 * can correct and retry), Cancel and the action. `pending` disables the action while the call runs.
 */
export function FormDialog({
  title,
  isOpen,
  onOpenChange,
  submitLabel,
  onSubmit,
  pending,
  disabled,
  error,
  danger,
  wide,
  children,
}: {
  title: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  submitLabel: string;
  onSubmit: () => void;
  pending: boolean;
  /** The action cannot be taken yet (nothing changed, say). */
  disabled?: boolean;
  error: unknown;
  danger?: boolean;
  wide?: boolean;
  children: ReactNode;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <Dialog title={title} isOpen={isOpen} onOpenChange={onOpenChange} wide={wide}>
      <Form onSubmit={submit} className="form">
        {children}
        <ErrorNotice error={error} />
        <div className="dialog-actions">
          <Button variant="secondary" onPress={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" variant={danger ? 'danger' : 'primary'} isDisabled={pending || disabled}>
            {pending ? 'Working…' : submitLabel}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}

/** A field's text as a number for the API, or undefined when left empty. */
export function numberOf(text: string): number | undefined {
  const trimmed = text.trim().replace(',', '.');
  return trimmed === '' ? undefined : Number(trimmed);
}

/** Validates a quantity field: a number above zero (or at least zero for thresholds). */
export function amountProblem(text: string, { allowZero = false, required = true } = {}): string | null {
  const value = numberOf(text);
  if (value === undefined) return required ? 'Enter a quantity' : null;
  if (!Number.isFinite(value)) return 'Enter a number, such as 12 or 2.5';
  if (allowZero ? value < 0 : value <= 0) return allowZero ? 'Zero or more' : 'More than zero';
  return null;
}
