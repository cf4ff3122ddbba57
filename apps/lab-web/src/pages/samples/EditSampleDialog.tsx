import { useState } from 'react';
import { ApiError } from '../../api/api-error.ts';
import { api, data } from '../../api/client.ts';
import { SelectField, TextField } from '../../components/fields.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { amountProblem, fromMicro, toMicro } from './quantities.ts';
import type { OrganiserNames } from './sample-queries.ts';
import type { SampleChange, SampleDetail } from './sample-types.ts';

const none = 'none';

/** A refusal made here, worded like the API's, so the dialog shows it the same way. */
const refuse = (code: string, message: string) => new ApiError(400, code, message);

/** Parses the metadata text: a JSON object, or a refusal saying why not. */
export function parseMetadata(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refuse('invalid_metadata', 'Metadata is not valid JSON: write it as {"key": "value"}.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw refuse('invalid_metadata', 'Metadata must be a JSON object such as {"donor": "D-17"}.');
  }
  return parsed as Record<string, unknown>;
}

export interface EditSampleDialogProps {
  sample: SampleDetail;
  names: OrganiserNames;
  onOpenChange: (open: boolean) => void;
  onDone: () => void;
}

/** Edits a sample's fields; only the changed ones are sent, with the reason the API requires. */
export function EditSampleDialog({ sample, names, onOpenChange, onDone }: EditSampleDialogProps) {
  const [sampleType, setSampleType] = useState(sample.sample_type);
  const [quantity, setQuantity] = useState(String(sample.quantity));
  const [unit, setUnit] = useState(sample.unit);
  const [projectId, setProjectId] = useState(sample.project_id ?? none);
  const [batchId, setBatchId] = useState(sample.batch_id ?? none);
  const [containerId, setContainerId] = useState(sample.container_id ?? none);
  const originalMetadata = JSON.stringify(sample.metadata, null, 2);
  const [metadata, setMetadata] = useState(originalMetadata);
  const quantityProblem = amountProblem(quantity);

  const changes = (): Omit<SampleChange, 'reason'> => {
    const change: Omit<SampleChange, 'reason'> = {};
    if (sampleType.trim() !== sample.sample_type) change.sample_type = sampleType.trim();
    if (quantityProblem) throw refuse('invalid_quantity', `Quantity: ${quantityProblem}.`);
    const amount = fromMicro(toMicro(quantity) ?? 0);
    if (amount !== sample.quantity) change.quantity = amount;
    if (unit.trim() !== sample.unit) change.unit = unit.trim();
    const pick = (value: string) => (value === none ? null : value);
    if (pick(projectId) !== sample.project_id) change.project_id = pick(projectId);
    if (pick(batchId) !== sample.batch_id) change.batch_id = pick(batchId);
    if (pick(containerId) !== sample.container_id) change.container_id = pick(containerId);
    if (metadata !== originalMetadata) {
      const parsed = parseMetadata(metadata);
      if (JSON.stringify(parsed) !== JSON.stringify(sample.metadata)) change.metadata = parsed;
    }
    if (Object.keys(change).length === 0) {
      throw refuse('nothing_changed', 'Nothing was changed: change a field, then give the reason.');
    }
    return change;
  };

  const options = (label: string, rows: { id: string; label: string }[]) => [{ id: none, label }, ...rows];
  return (
    <ReasonDialog
      title={`Edit ${sample.sample_id}`}
      isOpen
      onOpenChange={onOpenChange}
      confirmLabel="Save changes"
      action={(reason) =>
        data(
          api.PATCH('/api/samples/{id}', {
            params: { path: { id: sample.id } },
            body: { ...changes(), reason },
          }),
        )
      }
      onDone={onDone}
    >
      <div className="form-row">
        <TextField label="Sample type" value={sampleType} onChange={setSampleType} isRequired />
        <TextField
          label="Quantity"
          value={quantity}
          onChange={setQuantity}
          inputMode="decimal"
          isRequired
          errorMessage={quantityProblem}
        />
        <TextField label="Unit" value={unit} onChange={setUnit} isRequired />
      </div>
      <SelectField
        label="Project"
        value={projectId}
        onChange={setProjectId}
        options={options(
          'No project',
          names.projects.map((row) => ({ id: row.id, label: `${row.code} · ${row.name}` })),
        )}
      />
      <div className="form-row">
        <SelectField
          label="Batch"
          value={batchId}
          onChange={setBatchId}
          options={options(
            'No batch',
            names.batches.map((row) => ({ id: row.id, label: row.code })),
          )}
        />
        <SelectField
          label="Container"
          value={containerId}
          onChange={setContainerId}
          options={options(
            'No container',
            names.containers.map((row) => ({ id: row.id, label: names.container.get(row.id) ?? row.code })),
          )}
        />
      </div>
      <TextField
        label="Metadata (JSON)"
        value={metadata}
        onChange={setMetadata}
        multiline
        rows={4}
        description="A JSON object of your own fields; it replaces the current metadata."
      />
    </ReasonDialog>
  );
}
