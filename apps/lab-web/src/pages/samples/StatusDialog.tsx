import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { SelectField } from '../../components/fields.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { isSampleStatus, type SampleDetail, type SampleStatus, statusLabel } from './sample-types.ts';

export interface StatusDialogProps {
  sample: SampleDetail;
  onOpenChange: (open: boolean) => void;
  onDone: () => void;
}

/** Moves a sample along its lifecycle: only the statuses the API says it may go to are offered. */
export function StatusDialog({ sample, onOpenChange, onDone }: StatusDialogProps) {
  const allowed = sample.allowed_statuses.filter(isSampleStatus);
  const [status, setStatus] = useState<SampleStatus | undefined>(allowed[0]);
  return (
    <ReasonDialog
      title={`Change the status of ${sample.sample_id}`}
      isOpen
      onOpenChange={onOpenChange}
      confirmLabel="Change status"
      action={(reason) =>
        data(
          api.PATCH('/api/samples/{id}', {
            params: { path: { id: sample.id } },
            body: { status, reason },
          }),
        )
      }
      onDone={onDone}
    >
      <p>
        Now <strong>{statusLabel(sample.status)}</strong>. A {statusLabel(sample.status)} sample may become:
      </p>
      <SelectField
        label="New status"
        value={status ?? null}
        onChange={(value) => isSampleStatus(value) && setStatus(value)}
        isRequired
        options={allowed.map((id) => ({ id, label: statusLabel(id) }))}
      />
    </ReasonDialog>
  );
}
