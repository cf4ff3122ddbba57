import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/fields.tsx';
import type { AuditFilter } from './audit-api.ts';

/** An ISO instant as a `datetime-local` input shows it (the reader's own clock). */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value (local time) as the ISO instant the API filters by. */
function fromLocalInput(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const blank = (text: string) => text.trim() || undefined;

/**
 * The trail's filters (every filter the API has). They apply on submit and live in the address, so a
 * filtered view reloads and can be shared with a colleague or an inspector.
 */
export function AuditFilters({
  filter,
  onApply,
}: {
  filter: AuditFilter;
  onApply: (next: AuditFilter) => void;
}) {
  const [actor, setActor] = useState(filter.actor ?? '');
  const [action, setAction] = useState(filter.action ?? '');
  const [entityType, setEntityType] = useState(filter.entity_type ?? '');
  const [entityId, setEntityId] = useState(filter.entity_id ?? '');
  const [from, setFrom] = useState(toLocalInput(filter.from));
  const [to, setTo] = useState(toLocalInput(filter.to));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({
      actor: blank(actor),
      action: blank(action),
      entity_type: blank(entityType),
      entity_id: blank(entityId),
      from: fromLocalInput(from),
      to: fromLocalInput(to),
    });
  };
  return (
    <Form onSubmit={submit} className="filters" aria-label="Filter the audit trail">
      <TextField label="Actor" value={actor} onChange={setActor} description="E-mail or user id" />
      <TextField label="Action" value={action} onChange={setAction} description="e.g. sample.update" />
      <TextField
        label="Record type"
        value={entityType}
        onChange={setEntityType}
        description="e.g. sample, user, run"
      />
      <TextField label="Record id" value={entityId} onChange={setEntityId} description="The record's id" />
      <TextField label="From" type="datetime-local" value={from} onChange={setFrom} />
      <TextField label="To" type="datetime-local" value={to} onChange={setTo} />
      <div className="filter-actions">
        <Button type="submit" variant="primary">
          Apply filters
        </Button>
        <Button variant="quiet" onPress={() => onApply({})}>
          Clear
        </Button>
      </div>
    </Form>
  );
}
