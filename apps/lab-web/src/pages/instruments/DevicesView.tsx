import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { PagedTable } from '../../components/PagedTable.tsx';
import { orUndefined } from '../../format/text.ts';
import { DevicesTable } from './DevicesTable.tsx';
import { type CalibrationState, calibrationStates, instrumentsKey, useHubs } from './device-api.ts';
import { calibrationStateLabel } from './device-format.tsx';
import type { InstrumentSearch } from './instruments.routes.ts';

const isState = (value: string | undefined): value is CalibrationState =>
  calibrationStates.includes(value as CalibrationState);

/** The devices of my labs: business id prefix, type, calibration state, service and hub filters. */
export function DevicesView({ search }: { search: InstrumentSearch }) {
  const filter = {
    q: search.q,
    device_type: search.device_type,
    calibration_state: isState(search.calibration_state) ? search.calibration_state : undefined,
    in_service: search.in_service === 'true' ? true : search.in_service === 'false' ? false : undefined,
    hub_id: search.hub_id,
  };
  const pages = useKeysetPages([...instrumentsKey, 'devices', filter], (cursor) =>
    data(api.GET('/api/devices', { params: { query: { ...filter, cursor } } })),
  );
  return (
    <>
      <DeviceFilters key={JSON.stringify(filter)} search={search} />
      <PagedTable pages={pages} empty="No devices match these filters.">
        {(devices) => <DevicesTable devices={devices} label="Devices" />}
      </PagedTable>
    </>
  );
}

function DeviceFilters({ search }: { search: InstrumentSearch }) {
  const navigate = useNavigate({ from: '/instruments' });
  const hubs = useHubs();
  const [q, setQ] = useState(search.q ?? '');
  const [type, setType] = useState(search.device_type ?? '');
  const [state, setState] = useState(isState(search.calibration_state) ? search.calibration_state : 'any');
  const [service, setService] = useState(search.in_service ?? 'any');
  const [hub, setHub] = useState(search.hub_id ?? 'any');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    void navigate({
      search: {
        view: search.view,
        q: orUndefined(q),
        device_type: orUndefined(type),
        calibration_state: state === 'any' ? undefined : state,
        in_service: service === 'any' ? undefined : service,
        hub_id: hub === 'any' ? undefined : hub,
      },
    });
  };
  return (
    <Form className="filters" onSubmit={apply} aria-label="Filter devices">
      <TextField label="Device id starts with" value={q} onChange={setQ} />
      <TextField label="Type" value={type} onChange={setType} />
      <SelectField
        label="Calibration"
        value={state}
        onChange={setState}
        options={[
          { id: 'any', label: 'Any state' },
          ...calibrationStates.map((id) => ({ id, label: calibrationStateLabel(id) })),
        ]}
      />
      <SelectField
        label="Service"
        value={service}
        onChange={setService}
        options={[
          { id: 'any', label: 'In or out of service' },
          { id: 'true', label: 'In service' },
          { id: 'false', label: 'Out of service' },
        ]}
      />
      <SelectField
        label="Hub"
        value={hub}
        onChange={setHub}
        options={[
          { id: 'any', label: 'Any hub' },
          ...(hubs.data ?? []).map((entry) => ({ id: entry.id, label: entry.name })),
        ]}
      />
      <Button type="submit" variant="secondary">
        Apply filters
      </Button>
      <Button variant="quiet" onPress={() => void navigate({ search: { view: search.view } })}>
        Clear
      </Button>
    </Form>
  );
}
