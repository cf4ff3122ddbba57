import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';
import { parseMetadata } from './EditSampleDialog.tsx';
import { amountProblem, fromMicro, toMicro } from './quantities.ts';
import { type OrganiserNames, useRefreshSamples } from './sample-queries.ts';
import type { NewSample } from './sample-types.ts';

const none = 'none';

/** Registers one sample, then opens it. */
export function RegisterSampleForm({ names }: { names: OrganiserNames }) {
  const navigate = useNavigate();
  const refresh = useRefreshSamples();
  const [sampleId, setSampleId] = useState('');
  const [sampleType, setSampleType] = useState('');
  const [quantity, setQuantity] = useState('');
  const [unit, setUnit] = useState('');
  const [status, setStatus] = useState<'received' | 'in_storage'>('received');
  const [labId, setLabId] = useState<string | null>(null);
  const [projectId, setProjectId] = useState(none);
  const [batchId, setBatchId] = useState(none);
  const [containerId, setContainerId] = useState(none);
  const [parents, setParents] = useState('');
  const [relation, setRelation] = useState<'derivative' | 'pool'>('derivative');
  const [metadata, setMetadata] = useState('');
  const quantityProblem = quantity === '' ? undefined : amountProblem(quantity);
  const parentIds = [...new Set(parents.split(/[\s,;]+/).filter(Boolean))];

  const register = useMutation({
    mutationFn: () => {
      const body: NewSample = {
        sample_id: sampleId.trim(),
        sample_type: sampleType.trim(),
        quantity: fromMicro(toMicro(quantity) ?? 0),
        unit: unit.trim(),
        status,
      };
      if (labId) body.lab_id = labId;
      if (projectId !== none) body.project_id = projectId;
      if (batchId !== none) body.batch_id = batchId;
      if (containerId !== none) body.container_id = containerId;
      if (parentIds.length > 0) {
        body.parents = parentIds;
        body.relation = relation;
      }
      if (metadata.trim()) body.metadata = parseMetadata(metadata);
      return data(api.POST('/api/samples', { body }));
    },
    onSuccess: (sample) => {
      void refresh();
      void navigate({ to: '/samples/$sampleId', params: { sampleId: sample.id } });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!quantityProblem) register.mutate();
  };
  const options = (label: string, rows: { id: string; label: string }[]) => [{ id: none, label }, ...rows];
  return (
    <Form onSubmit={submit} className="form">
      <div className="form-row">
        <TextField
          label="Sample id"
          value={sampleId}
          onChange={setSampleId}
          isRequired
          description="Letters, digits, dot, dash, underscore; unique in the lab."
        />
        <TextField
          label="Sample type"
          value={sampleType}
          onChange={setSampleType}
          isRequired
          placeholder="plasma"
        />
      </div>
      <div className="form-row">
        <TextField
          label="Quantity"
          value={quantity}
          onChange={setQuantity}
          inputMode="decimal"
          isRequired
          errorMessage={quantityProblem}
        />
        <TextField label="Unit" value={unit} onChange={setUnit} isRequired placeholder="mL" />
        <SelectField
          label="Status"
          value={status}
          onChange={(value) => setStatus(value === 'in_storage' ? 'in_storage' : 'received')}
          options={[
            { id: 'received', label: 'received' },
            { id: 'in_storage', label: 'in storage' },
          ]}
        />
      </div>
      {names.labs.length > 1 && (
        <SelectField
          label="Lab"
          value={labId}
          onChange={setLabId}
          isRequired
          options={names.labs.map((lab) => ({ id: lab.id, label: lab.name }))}
        />
      )}
      <div className="form-row">
        <SelectField
          label="Project"
          value={projectId}
          onChange={setProjectId}
          options={options(
            'No project',
            names.projects.map((row) => ({ id: row.id, label: `${row.code} · ${row.name}` })),
          )}
        />
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
      <div className="form-row">
        <TextField
          label="Parent samples (optional)"
          value={parents}
          onChange={setParents}
          description="Sample ids it came from, separated by commas."
        />
        {parentIds.length > 0 && (
          <SelectField
            label="Relation to the parents"
            value={relation}
            onChange={(value) => setRelation(value === 'pool' ? 'pool' : 'derivative')}
            options={[
              { id: 'derivative', label: 'derivative' },
              { id: 'pool', label: 'pool' },
            ]}
          />
        )}
      </div>
      <TextField
        label="Metadata (optional JSON)"
        value={metadata}
        onChange={setMetadata}
        multiline
        rows={3}
        placeholder={'{"donor": "D-17"}'}
      />
      <ErrorNotice error={register.error} />
      <div>
        <Button type="submit" variant="primary" isDisabled={register.isPending}>
          {register.isPending ? 'Registering…' : 'Register sample'}
        </Button>
      </div>
    </Form>
  );
}
