import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { FormDialog } from '../../components/FormDialog.tsx';
import { Checkbox, SelectField, TextField } from '../../components/fields.tsx';
import { LabField } from '../../components/LabField.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';
import { type Driver, instrumentsKey, refreshInstruments, useHubs } from './device-api.ts';

const none = 'none';

/** The setting names a driver takes, from its JSON Schema, for the settings field's description. */
function settingsHint(driver: Driver | undefined): string {
  const properties = driver?.settings_schema.properties;
  const names = properties && typeof properties === 'object' ? Object.keys(properties) : [];
  return names.length > 0
    ? `A JSON object; ${driver?.name} takes ${names.join(', ')}. Empty for its defaults.`
    : 'A JSON object; empty for none.';
}

/** The settings field's JSON, or a problem to show on the field. */
function parseSettings(text: string): { value?: Record<string, unknown>; problem?: string } {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return { value: value as Record<string, unknown> };
  } catch {
    // Shown as the problem below.
  }
  return { problem: 'Settings must be a JSON object, such as {"acquisition_s": 1}' };
}

/**
 * Register a device: a business id unique in the lab, what it is, how long a calibration stays
 * valid, its hub and the driver that speaks to it. It is never calibrated yet, so not usable.
 */
export function RegisterDeviceDialog({
  isOpen,
  onOpenChange,
}: {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const hubs = useHubs();
  const drivers = useQuery({
    queryKey: [...instrumentsKey, 'drivers'],
    queryFn: () => data(api.GET('/api/instruments/drivers')),
    staleTime: 5 * 60_000,
    enabled: isOpen,
  });
  const [deviceId, setDeviceId] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState('');
  const [intervalDays, setIntervalDays] = useState('365');
  const [vendor, setVendor] = useState('');
  const [model, setModel] = useState('');
  const [serial, setSerial] = useState('');
  const [hub, setHub] = useState(none);
  const [driver, setDriver] = useState(none);
  const [settings, setSettings] = useState('');
  const [inService, setInService] = useState(true);
  const [labId, setLabId] = useState<string | null>(null);
  const chosenDriver = drivers.data?.find((candidate) => candidate.name === driver);
  const parsed = parseSettings(settings);
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/devices', {
          body: {
            device_id: deviceId.trim(),
            name: name.trim(),
            device_type: type.trim() || chosenDriver?.kind || '',
            calibration_interval_days: Number(intervalDays),
            vendor: vendor.trim() || undefined,
            model: model.trim() || undefined,
            serial_number: serial.trim() || undefined,
            hub_id: hub === none ? undefined : hub,
            driver: driver === none ? undefined : driver,
            driver_settings: driver === none ? undefined : parsed.value,
            in_service: inService,
            lab_id: labId ?? undefined,
          },
        }),
      ),
    onSuccess: async (device) => {
      onOpenChange(false);
      await refreshInstruments(queryClient);
      await navigate({ to: '/instruments/$deviceId', params: { deviceId: device.id } });
    },
  });
  const close = (open: boolean) => {
    if (!open) create.reset();
    onOpenChange(open);
  };
  return (
    <FormDialog
      title="Register a device"
      isOpen={isOpen}
      onOpenChange={close}
      submitLabel="Register device"
      onSubmit={() => create.mutate()}
      pending={create.isPending}
      disabled={parsed.problem !== undefined}
      error={create.error}
      wide
    >
      <LabField value={labId} onChange={setLabId} />
      <div className="form-row">
        <TextField
          label="Device id"
          value={deviceId}
          onChange={setDeviceId}
          isRequired
          autoFocus
          description="Unique in the lab, e.g. BAL-03"
        />
        <TextField label="Name" value={name} onChange={setName} isRequired />
        <TextField
          label="Type"
          value={type}
          onChange={setType}
          isRequired={driver === none}
          description={
            driver === none
              ? 'e.g. balance, spectrometer'
              : `Default: ${chosenDriver?.kind ?? 'the driver kind'}`
          }
        />
      </div>
      <div className="form-row">
        <TextField label="Vendor" value={vendor} onChange={setVendor} />
        <TextField label="Model" value={model} onChange={setModel} />
        <TextField label="Serial number" value={serial} onChange={setSerial} />
      </div>
      <div className="form-row">
        <TextField
          label="Calibration interval (days)"
          value={intervalDays}
          onChange={setIntervalDays}
          isRequired
          inputMode="numeric"
          validate={(text) =>
            /^\d+$/.test(text.trim()) && Number(text) >= 1 && Number(text) <= 3650
              ? null
              : 'Whole days, 1 to 3650'
          }
          description="How long a passed calibration stays valid"
        />
        <SelectField
          label="Hub"
          value={hub}
          onChange={setHub}
          options={[
            { id: none, label: 'No hub' },
            ...(hubs.data ?? []).map((entry) => ({ id: entry.id, label: entry.name })),
          ]}
          description="The instrument gateway it is wired to"
        />
        <SelectField
          label="Driver"
          value={driver}
          onChange={setDriver}
          options={[
            { id: none, label: 'No driver' },
            ...(drivers.data ?? []).map((entry) => ({
              id: entry.name,
              label: `${entry.name} (${entry.kind}${entry.simulated ? ', simulated' : ''})`,
            })),
          ]}
          description={chosenDriver?.description ?? 'What speaks to it in workflow runs'}
        />
      </div>
      <ErrorNotice error={drivers.error ?? hubs.error} />
      {driver !== none && (
        <TextField
          label="Driver settings"
          value={settings}
          onChange={setSettings}
          multiline
          rows={3}
          description={settingsHint(chosenDriver)}
          errorMessage={parsed.problem}
        />
      )}
      <Checkbox isSelected={inService} onChange={setInService}>
        In service
      </Checkbox>
    </FormDialog>
  );
}
