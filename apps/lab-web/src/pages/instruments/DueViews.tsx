import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/fields.tsx';
import { QueryFrame } from '../../components/PagedTable.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { DevicesTable } from './DevicesTable.tsx';
import { instrumentsKey } from './device-api.ts';
import type { InstrumentSearch } from './instruments.routes.ts';

/** Devices that must be calibrated before any use: overdue, failed, or never calibrated. */
export function OverdueView() {
  const due = useQuery({
    queryKey: [...instrumentsKey, 'overdue'],
    queryFn: () => data(api.GET('/api/calibration/overdue')),
  });
  return (
    <QueryFrame query={due}>
      {(list) => (
        <>
          <p className="figure-caption">
            Overdue, failed or never calibrated, as of {formatDateTime(list.as_of)}: these need a calibration
            before any use.
          </p>
          {list.items.length === 0 ? (
            <p>Every device has a valid calibration.</p>
          ) : (
            <DevicesTable devices={list.items} label="Devices needing calibration" />
          )}
        </>
      )}
    </QueryFrame>
  );
}

const daysOf = (value: string | undefined) => {
  const days = Number(value);
  return Number.isInteger(days) && days >= 0 && days <= 3650 ? days : 30;
};

/** Devices whose calibration falls due within the next `days` days (30 unless the address says). */
export function UpcomingView({ search }: { search: InstrumentSearch }) {
  const days = daysOf(search.days);
  const due = useQuery({
    queryKey: [...instrumentsKey, 'upcoming', days],
    queryFn: () => data(api.GET('/api/calibration/upcoming', { params: { query: { days } } })),
  });
  return (
    <>
      <DaysFilter key={days} days={days} view={search.view} />
      <QueryFrame query={due}>
        {(list) =>
          list.items.length === 0 ? (
            <p>No calibration falls due in the next {days} days.</p>
          ) : (
            <DevicesTable devices={list.items} label={`Calibrations due within ${days} days`} />
          )
        }
      </QueryFrame>
    </>
  );
}

function DaysFilter({ days, view }: { days: number; view: string | undefined }) {
  const navigate = useNavigate({ from: '/instruments' });
  const [value, setValue] = useState(String(days));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    void navigate({ search: { view, days: String(daysOf(value)) } });
  };
  return (
    <Form className="filters" onSubmit={apply} aria-label="Due window">
      <TextField
        label="Due within (days)"
        value={value}
        onChange={setValue}
        inputMode="numeric"
        validate={(text) =>
          /^\d{1,4}$/.test(text.trim()) && Number(text) <= 3650 ? null : 'A whole number of days, 0 to 3650'
        }
      />
      <Button type="submit" variant="secondary">
        Show
      </Button>
    </Form>
  );
}
