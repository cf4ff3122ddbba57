import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { DaysWindowFilter, windowDays } from '../../components/DaysWindowFilter.tsx';
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

/** Devices whose calibration falls due within the next `days` days (30 unless the address says). */
export function UpcomingView({ search }: { search: InstrumentSearch }) {
  const days = windowDays(search.days);
  const navigate = useNavigate({ from: '/instruments' });
  const due = useQuery({
    queryKey: [...instrumentsKey, 'upcoming', days],
    queryFn: () => data(api.GET('/api/calibration/upcoming', { params: { query: { days } } })),
  });
  return (
    <>
      <DaysWindowFilter
        key={days}
        days={days}
        label="Due within (days)"
        formLabel="Due window"
        onApply={(next) => void navigate({ search: { view: search.view, days: String(next) } })}
      />
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
