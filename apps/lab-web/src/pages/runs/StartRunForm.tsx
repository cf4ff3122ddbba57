import { useMutation } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { ApiError } from '../../api/api-error.ts';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import type { DefinitionView } from './definition.ts';
import { useDeviceCandidates } from './device-candidates.ts';
import { initialValue, ParameterInput } from './ParameterInput.tsx';
import { SamplePicker } from './SamplePicker.tsx';

/** The API's per-parameter problems (400 invalid_parameters), by parameter name. */
function parameterProblems(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return {};
  const problems: Record<string, string> = {};
  for (const problem of error.details as { path?: unknown; message?: unknown }[]) {
    const name =
      typeof problem.path === 'string' ? problem.path.split('/').filter(Boolean).at(-1) : undefined;
    if (name && typeof problem.message === 'string') problems[name] = problem.message;
  }
  return problems;
}

/**
 * What a run of one approved version needs: a usable device of the right kind for each role, the
 * typed parameters (defaults filled in), the samples, and a reason for the record. Starting it opens
 * the live view.
 */
export function StartRunForm({
  workflow,
  version,
  definition,
  initialSamples,
}: {
  workflow: string;
  version: number;
  definition: DefinitionView;
  initialSamples: string[];
}) {
  const navigate = useNavigate();
  const candidates = useDeviceCandidates();
  const [values, setValues] = useState<Record<string, unknown>>(() =>
    Object.fromEntries(definition.parameters.map((spec) => [spec.name, initialValue(spec)])),
  );
  const [chosenDevices, setChosenDevices] = useState<Record<string, string>>({});
  const [samples, setSamples] = useState<string[]>(initialSamples);
  const [reason, setReason] = useState('');
  // A role with one usable device is bound to it unless the person chose otherwise.
  const bound = Object.fromEntries(
    definition.roles.flatMap((role) => {
      const chosen = chosenDevices[role.role];
      const only = candidates.ofKind(role.kind);
      const device = chosen ?? (only.length === 1 ? only[0]?.device_id : undefined);
      return device ? [[role.role, device]] : [];
    }),
  );
  const start = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/runs', {
          body: {
            workflow,
            version,
            parameters: Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)),
            devices: bound,
            samples,
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          },
        }),
      ),
    onSuccess: (run) => void navigate({ to: '/runs/$runId', params: { runId: run.id } }),
  });
  const problems = parameterProblems(start.error);
  const missingRoles = definition.roles.filter((role) => !bound[role.role]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate();
  };

  return (
    <Form onSubmit={submit} className="form">
      <section className="card" aria-labelledby="devices-heading">
        <h2 id="devices-heading">Devices</h2>
        {candidates.isPending ? (
          <Loading label="Loading devices…" />
        ) : candidates.error ? (
          <ErrorNotice error={candidates.error} />
        ) : (
          <div className="form-row">
            {definition.roles.map((role) => {
              const options = candidates.ofKind(role.kind);
              return (
                <SelectField
                  key={role.role}
                  label={`${role.role} (${role.kind})`}
                  options={options.map((device) => ({
                    id: device.device_id,
                    label: `${device.device_id} · ${device.name}`,
                  }))}
                  value={bound[role.role] ?? null}
                  onChange={(device) => setChosenDevices((before) => ({ ...before, [role.role]: device }))}
                  isRequired
                  description={
                    options.length === 0
                      ? `No ${role.kind} is usable now (in service and calibrated).`
                      : (role.description ?? `A usable ${role.kind}`)
                  }
                />
              );
            })}
          </div>
        )}
      </section>
      {definition.parameters.length > 0 && (
        <section className="card" aria-labelledby="parameters-heading">
          <h2 id="parameters-heading">Parameters</h2>
          <div className="run-parameters">
            {definition.parameters.map((spec) => (
              <ParameterInput
                key={spec.name}
                spec={spec}
                value={values[spec.name]}
                onChange={(value) => setValues((before) => ({ ...before, [spec.name]: value }))}
                error={problems[spec.name]}
              />
            ))}
          </div>
        </section>
      )}
      <section className="card" aria-labelledby="samples-heading">
        <h2 id="samples-heading">Samples</h2>
        <SamplePicker chosen={samples} onChange={setSamples} />
      </section>
      <section className="card" aria-labelledby="start-heading">
        <h2 id="start-heading">Start</h2>
        <TextField
          label="Reason"
          value={reason}
          onChange={setReason}
          multiline
          rows={2}
          description="Optional: why this run (a batch, a request); kept with the run and in the audit trail."
        />
        <ErrorNotice error={start.error} />
        <div className="dialog-actions">
          <Button type="submit" variant="primary" isDisabled={start.isPending || missingRoles.length > 0}>
            {start.isPending ? 'Starting…' : 'Start run'}
          </Button>
        </div>
        {missingRoles.length > 0 && (
          <p className="field-description">
            Choose a device for {missingRoles.map((role) => role.role).join(', ')} to start.
          </p>
        )}
      </section>
    </Form>
  );
}
