import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { CertificatesSection } from './CertificatesSection.tsx';
import { type Calibration, instrumentsKey } from './device-api.ts';
import { ResultBadge } from './device-format.tsx';
import { calibrationRoute } from './instruments.routes.ts';
import '../inventory/inventory.css';

/** One calibration entry (append-only: a correction is a new entry) and its certificate versions. */
export function CalibrationPage() {
  const { calibrationId } = calibrationRoute.useParams();
  const entry = useQuery({
    queryKey: [...instrumentsKey, 'calibration', calibrationId],
    queryFn: () => data(api.GET('/api/calibration/{id}', { params: { path: { id: calibrationId } } })),
  });
  if (entry.isPending) return <Loading />;
  if (entry.isError) {
    return (
      <>
        <PageHeader title="Calibration" />
        <ErrorNotice error={entry.error} />
        <Link to="/instruments" search={{ view: 'calibrations' }}>
          Back to the calibrations
        </Link>
      </>
    );
  }
  return <CalibrationDetails entry={entry.data} />;
}

function CalibrationDetails({ entry }: { entry: Calibration }) {
  return (
    <>
      <PageHeader
        title={`Calibration of ${entry.device_business_id}`}
        subtitle={`Performed ${formatDateTime(entry.performed_at)} by ${entry.performed_by_email}`}
      />
      <section className="card" aria-labelledby="entry-heading">
        <h2 id="entry-heading">Entry</h2>
        <dl className="details">
          <dt>Device</dt>
          <dd>
            <Link to="/instruments/$deviceId" params={{ deviceId: entry.device_id }}>
              {entry.device_business_id}
            </Link>
          </dd>
          <dt>Result</dt>
          <dd>
            <ResultBadge result={entry.result} />
          </dd>
          <dt>Performed</dt>
          <dd>{formatDateTime(entry.performed_at)}</dd>
          <dt>Performed by</dt>
          <dd>{entry.performed_by_email}</dd>
          <dt>Next due</dt>
          <dd>
            {entry.next_due_at
              ? `${formatDateTime(entry.next_due_at)}${entry.next_due_computed ? " (the device's interval)" : ''}`
              : 'none: a failed calibration must be followed by a passing one before use'}
          </dd>
          <dt>Device status</dt>
          <dd>
            {entry.governs_status
              ? 'Set by this entry when recorded'
              : 'Not set by this entry: one performed later already governed it'}
          </dd>
          <dt>Recorded</dt>
          <dd>{formatDateTime(entry.created_at)}</dd>
          <dt>Notes</dt>
          <dd>{entry.notes || '—'}</dd>
        </dl>
      </section>
      <CertificatesSection entry={entry} />
    </>
  );
}
