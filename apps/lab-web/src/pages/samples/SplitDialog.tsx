import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';
import { amountProblem, fromMicro, microOf, toMicro } from './quantities.ts';
import type { Sample, SampleDetail, SplitBody } from './sample-types.ts';

type Relation = NonNullable<SplitBody['relation']>;
const relations: { id: Relation; label: string }[] = [
  { id: 'aliquot', label: 'Aliquots (portions of the same material)' },
  { id: 'derivative', label: 'Derivatives (processed from it)' },
  { id: 'pool', label: 'Pool' },
];

interface Child {
  key: number;
  quantity: string;
  sampleId: string;
}

export interface SplitDialogProps {
  sample: SampleDetail;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  onSplit: (children: Sample[]) => void;
}

/**
 * Splits a sample into aliquots: each child's amount editable, what the parent keeps computed as
 * you type, and the split refused here (as the API would) when the children need more than it has.
 */
export function SplitDialog({ sample, isOpen, onOpenChange, onSplit }: SplitDialogProps) {
  const [children, setChildren] = useState<Child[]>([
    { key: 1, quantity: '', sampleId: '' },
    { key: 2, quantity: '', sampleId: '' },
  ]);
  const [relation, setRelation] = useState<Relation>('aliquot');
  const [reason, setReason] = useState('');
  const available = microOf(sample.quantity);
  const problems = children.map((child) => amountProblem(child.quantity, { positive: true }));
  const requested = children.reduce((sum, child) => sum + (toMicro(child.quantity) ?? 0), 0);
  const remaining = available - requested;
  const over = remaining < 0;
  const ready = problems.every((problem) => problem === undefined) && !over;
  const split = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/samples/{id}/split', {
          params: { path: { id: sample.id } },
          body: {
            children: children.map((child) => ({
              quantity: fromMicro(toMicro(child.quantity) ?? 0),
              ...(child.sampleId.trim() ? { sample_id: child.sampleId.trim() } : {}),
            })),
            relation,
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          },
        }),
      ),
    onSuccess: (result) => {
      onOpenChange(false);
      onSplit(result.children);
    },
  });
  const change = (key: number, patch: Partial<Child>) =>
    setChildren((rows) => rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const add = () =>
    setChildren((rows) => [
      ...rows,
      { key: Math.max(0, ...rows.map((row) => row.key)) + 1, quantity: '', sampleId: '' },
    ]);
  const remove = (key: number) => setChildren((rows) => rows.filter((row) => row.key !== key));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) split.mutate();
  };
  const unit = sample.unit;
  return (
    <Dialog title={`Split ${sample.sample_id}`} isOpen={isOpen} onOpenChange={onOpenChange} wide>
      <Form onSubmit={submit} className="form">
        <p>
          {sample.sample_id} has{' '}
          <strong>
            {sample.quantity} {unit}
          </strong>{' '}
          left. Each new sample gets an id {sample.sample_id}.1, .2, … unless you give one.
        </p>
        <fieldset className="split-rows">
          <legend className="visually-hidden">New samples</legend>
          {children.map((child, index) => (
            <div className="split-row" key={child.key}>
              <TextField
                label={`Aliquot ${index + 1} amount (${unit})`}
                value={child.quantity}
                onChange={(quantity) => change(child.key, { quantity })}
                inputMode="decimal"
                isRequired
                autoFocus={index === 0}
                errorMessage={child.quantity !== '' ? problems[index] : undefined}
              />
              <TextField
                label={`Aliquot ${index + 1} id (optional)`}
                value={child.sampleId}
                onChange={(sampleId) => change(child.key, { sampleId })}
              />
              <Button
                variant="quiet"
                onPress={() => remove(child.key)}
                isDisabled={children.length === 1}
                aria-label={`Remove aliquot ${index + 1}`}
              >
                Remove
              </Button>
            </div>
          ))}
        </fieldset>
        <div>
          <Button onPress={add} isDisabled={children.length >= 100}>
            Add aliquot
          </Button>
        </div>
        <p className={`remaining${over ? ' remaining-over' : ''}`} role="status" aria-live="polite">
          {over
            ? `Too much: the aliquots need ${fromMicro(-remaining)} ${unit} more than ${sample.sample_id} has.`
            : `${sample.sample_id} keeps ${fromMicro(remaining)} ${unit}${remaining === 0 ? ' (it becomes consumed)' : ''}.`}
        </p>
        <SelectField
          label="Relation"
          options={relations}
          value={relation}
          onChange={(value) => setRelation(value as Relation)}
        />
        <TextField
          label="Reason (optional)"
          value={reason}
          onChange={setReason}
          multiline
          rows={2}
          description="Kept in the audit trail with the split."
        />
        <ErrorNotice error={split.error} />
        <div className="dialog-actions">
          <Button onPress={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" variant="primary" isDisabled={!ready || split.isPending}>
            {split.isPending ? 'Splitting…' : `Split into ${children.length}`}
          </Button>
        </div>
      </Form>
    </Dialog>
  );
}
