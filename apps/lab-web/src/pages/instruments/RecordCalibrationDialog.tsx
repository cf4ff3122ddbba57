import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Label, Radio, RadioGroup } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { TextField } from '../../components/fields.tsx';
import { type PickerOption, RecordPicker } from '../../components/RecordPicker.tsx';
import { type Device, instrumentsKey, refreshInstruments } from './device-api.ts';

/** A local date-time field's value ("2026-12-04T10:30") as the API's ISO timestamp. */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

/**
 * Record a calibration performed by me: pass or fail, when (default now, never in the future), the
 * next due time for a pass (default: the device's interval), notes. Opens the entry, where its
 * certificate is uploaded.
 */
export function RecordCalibrationDialog({
  device,
  isOpen,
  onOpenChange,
}: {
  device?: Device | undefined;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [chosen, setChosen] = useState<PickerOption | null>(null);
  const [result, setResult] = useState<'pass' | 'fail'>('pass');
  const [performedAt, setPerformedAt] = useState('');
  const [nextDue, setNextDue] = useState('');
  const [notes, setNotes] = useState('');
  const deviceId = device?.id ?? chosen?.id;
  const record = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/calibration', {
          body: {
            device_id: deviceId ?? '',
            result,
            performed_at: isoOf(performedAt),
            next_due_at: result === 'pass' ? isoOf(nextDue) : undefined,
            notes: notes.trim() || undefined,
          },
        }),
      ),
    onSuccess: async (entry) => {
      onOpenChange(false);
      await refreshInstruments(queryClient);
      await navigate({ to: '/instruments/calibrations/$calibrationId', params: { calibrationId: entry.id } });
    },
  });
  const close = (open: boolean) => {
    if (!open) record.reset();
    onOpenChange(open);
  };
  return (
    <FormDialog
      title={device ? `Record a calibration of ${device.device_id}` : 'Record a calibration'}
      isOpen={isOpen}
      onOpenChange={close}
      submitLabel="Record calibration"
      onSubmit={() => record.mutate()}
      pending={record.isPending}
      disabled={!deviceId}
      error={record.error}
    >
      {!device && (
        <RecordPicker
          label="Device"
          description="Type the start of its device id"
          isRequired
          autoFocus
          queryKey={[...instrumentsKey, 'devices']}
          selected={chosen}
          onSelect={setChosen}
          search={async (q) => {
            const page = await data(api.GET('/api/devices', { params: { query: { q, limit: 20 } } }));
            return page.items.map((entry) => ({ id: entry.id, label: `${entry.device_id} · ${entry.name}` }));
          }}
        />
      )}
      <RadioGroup
        className="inv-radio-group"
        value={result}
        onChange={(value) => setResult(value === 'fail' ? 'fail' : 'pass')}
        isRequired
      >
        <Label>Result</Label>
        <div className="inv-radio-options">
          <Radio value="pass" className="inv-radio" autoFocus={!!device}>
            Pass
          </Radio>
          <Radio value="fail" className="inv-radio">
            Fail (the device is not usable until a passing calibration)
          </Radio>
        </div>
      </RadioGroup>
      <div className="form-row">
        <TextField
          label="Performed at"
          type="datetime-local"
          value={performedAt}
          onChange={setPerformedAt}
          description="Leave empty for now"
        />
        {result === 'pass' && (
          <TextField
            label="Next due"
            type="datetime-local"
            value={nextDue}
            onChange={setNextDue}
            description={
              device
                ? `Leave empty for ${device.calibration_interval_days} days after it was performed`
                : "Leave empty for the device's interval"
            }
          />
        )}
      </div>
      <TextField label="Notes" value={notes} onChange={setNotes} multiline rows={3} />
    </FormDialog>
  );
}
