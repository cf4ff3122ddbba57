import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { Button } from './Button.tsx';
import { TextField } from './fields.tsx';

/** A window in days as the address holds it: a whole number 0-3650, 30 when absent or wrong. */
export const windowDays = (value: string | undefined): number => {
  const days = Number(value);
  return Number.isInteger(days) && days >= 0 && days <= 3650 ? days : 30;
};

/** The "within N days" filter of a due or expiry list; `onApply` puts the window in the address. */
export function DaysWindowFilter({
  days,
  label,
  formLabel,
  onApply,
}: {
  days: number;
  label: string;
  formLabel: string;
  onApply: (days: number) => void;
}) {
  const [value, setValue] = useState(String(days));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    onApply(windowDays(value));
  };
  return (
    <Form className="filters" onSubmit={apply} aria-label={formLabel}>
      <TextField
        label={label}
        value={value}
        onChange={setValue}
        inputMode="numeric"
        validate={(text) =>
          /^\d{1,4}$/.test(text.trim()) && Number(text) <= 3650 ? null : 'A whole number of days, 0 to 3650'
        }
      />
      <Button type="submit" variant="secondary">
        Show
      </Button>
    </Form>
  );
}
