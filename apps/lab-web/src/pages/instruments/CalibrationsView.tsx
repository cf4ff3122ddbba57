import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { useKeysetPages } from '../../components/keyset-pages.ts';
import { PagedTable } from '../../components/PagedTable.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { orUndefined } from '../../format/text.ts';
import { type Calibration, instrumentsKey } from './device-api.ts';
import { ResultBadge } from './device-format.tsx';
import type { InstrumentSearch } from './instruments.routes.ts';

type Result = 'pass' | 'fail';
const isResult = (value: string | undefined): value is Result => value === 'pass' || value === 'fail';

/** A keyset page of calibration entries, most recently performed first. */
export function useCalibrationPages(filter: { device_id?: string | undefined; result?: Result | undefined }) {
  return useKeysetPages([...instrumentsKey, 'calibrations', filter], (cursor) =>
    data(api.GET('/api/calibration', { params: { query: { ...filter, cursor } } })),
  );
}

/** The calibration log of my labs, filtered by device and result. */
export function CalibrationsView({ search }: { search: InstrumentSearch }) {
  const filter = { device_id: search.device, result: isResult(search.result) ? search.result : undefined };
  const pages = useCalibrationPages(filter);
  return (
    <>
      <CalibrationFilters key={JSON.stringify(filter)} search={search} />
      <PagedTable pages={pages} empty="No calibrations match these filters.">
        {(entries) => <CalibrationsTable entries={entries} label="Calibrations" />}
      </PagedTable>
    </>
  );
}

function CalibrationFilters({ search }: { search: InstrumentSearch }) {
  const navigate = useNavigate({ from: '/instruments' });
  const [device, setDevice] = useState(search.device ?? '');
  const [result, setResult] = useState(isResult(search.result) ? search.result : 'any');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    void navigate({
      search: {
        view: search.view,
        device: orUndefined(device),
        result: result === 'any' ? undefined : result,
      },
    });
  };
  return (
    <Form className="filters" onSubmit={apply} aria-label="Filter calibrations">
      <TextField label="Device" value={device} onChange={setDevice} description="Device id or uuid" />
      <SelectField
        label="Result"
        value={result}
        onChange={setResult}
        options={[
          { id: 'any', label: 'Pass or fail' },
          { id: 'pass', label: 'pass' },
          { id: 'fail', label: 'fail' },
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

/** Calibration entries: when, which device, result, next due, who, certificates. */
export function CalibrationsTable({
  entries,
  label,
  showDevice = true,
}: {
  entries: Calibration[];
  label: string;
  showDevice?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Performed</th>
            {showDevice && <th scope="col">Device</th>}
            <th scope="col">Result</th>
            <th scope="col">Next due</th>
            <th scope="col">Performed by</th>
            <th scope="col" className="number">
              Certificates
            </th>
            <th scope="col">Set the device status</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>
                <Link to="/instruments/calibrations/$calibrationId" params={{ calibrationId: entry.id }}>
                  {formatDateTime(entry.performed_at)}
                </Link>
              </td>
              {showDevice && (
                <td>
                  <Link to="/instruments/$deviceId" params={{ deviceId: entry.device_id }}>
                    {entry.device_business_id}
                  </Link>
                </td>
              )}
              <td>
                <ResultBadge result={entry.result} />
              </td>
              <td>{entry.next_due_at ? formatDateTime(entry.next_due_at) : '—'}</td>
              <td>{entry.performed_by_email}</td>
              <td className="number">{entry.certificates.length}</td>
              <td>{entry.governs_status ? 'yes' : 'no (back-dated)'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
