import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { TextField } from '../../components/fields.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { type Device, refreshInstruments } from './device-api.ts';

/** Put a device out of service (no run or use may take it) or back in, with a reason. */
export function ServiceDialog({
  device,
  isOpen,
  onOpenChange,
}: {
  device: Device;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const out = device.in_service;
  return (
    <ReasonDialog
      title={out ? `Put ${device.device_id} out of service` : `Put ${device.device_id} back in service`}
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      confirmLabel={out ? 'Put out of service' : 'Put in service'}
      danger={out}
      action={(reason) =>
        data(
          api.PATCH('/api/devices/{id}', {
            params: { path: { id: device.id } },
            body: { in_service: !out, reason },
          }),
        )
      }
      onDone={() => void refreshInstruments(queryClient)}
    >
      <p>
        {out
          ? 'Out of service, the device cannot be used or reserved by a run until it is put back.'
          : 'Back in service, it is usable again while its calibration is valid.'}
      </p>
    </ReasonDialog>
  );
}

/**
 * Record a use of the device in its logbook: what for, and the sample or run. The API refuses a
 * device out of service or without a valid calibration; its message shows here.
 */
export function RecordUseDialog({
  device,
  isOpen,
  onOpenChange,
}: {
  device: Device;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [purpose, setPurpose] = useState('');
  const [sample, setSample] = useState('');
  const [runRef, setRunRef] = useState('');
  const use = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/devices/{id}/usage', {
          params: { path: { id: device.id } },
          body: {
            purpose: purpose.trim(),
            sample_id: sample.trim() || undefined,
            run_ref: runRef.trim() || undefined,
          },
        }),
      ),
    onSuccess: async () => {
      setPurpose('');
      setSample('');
      setRunRef('');
      onOpenChange(false);
      await refreshInstruments(queryClient);
    },
  });
  const close = (open: boolean) => {
    if (!open) use.reset();
    onOpenChange(open);
  };
  return (
    <FormDialog
      title={`Record a use of ${device.device_id}`}
      isOpen={isOpen}
      onOpenChange={close}
      submitLabel="Record use"
      onSubmit={() => use.mutate()}
      pending={use.isPending}
      error={use.error}
    >
      <TextField
        label="Purpose"
        value={purpose}
        onChange={setPurpose}
        isRequired
        autoFocus
        multiline
        rows={2}
      />
      <div className="form-row">
        <TextField label="Sample" value={sample} onChange={setSample} description="Optional: its sample id" />
        <TextField label="Run reference" value={runRef} onChange={setRunRef} description="Optional" />
      </div>
    </FormDialog>
  );
}
