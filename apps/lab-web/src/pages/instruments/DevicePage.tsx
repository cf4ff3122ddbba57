import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { CalibrationsTable, useCalibrationPages } from './CalibrationsView.tsx';
import { RecordUseDialog, ServiceDialog } from './DeviceDialogs.tsx';
import { type Device, hubName, instrumentsKey, useHubs } from './device-api.ts';
import { CalibrationStateBadge, DueBadge, ResultBadge, unusableReason } from './device-format.tsx';
import { deviceRoute } from './instruments.routes.ts';
import { RecordCalibrationDialog } from './RecordCalibrationDialog.tsx';
import { UsageLog } from './UsageLog.tsx';
import '../inventory/inventory.css';

/** One device: usable now or why not, its calibration and history, its logbook; the actions on it. */
export function DevicePage() {
  const { deviceId } = deviceRoute.useParams();
  const device = useQuery({
    queryKey: [...instrumentsKey, 'device', deviceId],
    queryFn: () => data(api.GET('/api/devices/{id}', { params: { path: { id: deviceId } } })),
  });
  if (device.isPending) return <Loading />;
  if (device.isError) {
    return (
      <>
        <PageHeader title="Device" />
        <ErrorNotice error={device.error} />
        <Link to="/instruments">Back to the instruments</Link>
      </>
    );
  }
  return <DeviceDetails device={device.data} />;
}

function DeviceDetails({ device }: { device: Device }) {
  const can = useCan();
  const hubs = useHubs();
  const [dialog, setDialog] = useState<'calibrate' | 'use' | 'service' | null>(null);
  const close = (open: boolean) => !open && setDialog(null);
  const reason = unusableReason(device);
  return (
    <>
      <PageHeader title={`${device.device_id} · ${device.name}`} subtitle={device.device_type}>
        {can('runs:create') && (
          <Button variant="primary" onPress={() => setDialog('use')}>
            Record use
          </Button>
        )}
        {can('calibration:create') && (
          <Button onPress={() => setDialog('calibrate')}>Record calibration</Button>
        )}
        {can('devices:manage') && (
          <Button variant={device.in_service ? 'danger' : 'secondary'} onPress={() => setDialog('service')}>
            {device.in_service ? 'Put out of service' : 'Put in service'}
          </Button>
        )}
      </PageHeader>
      <div className="inv-cards">
        <section className="card" aria-labelledby="usability-heading">
          <h2 id="usability-heading">Usability</h2>
          {reason === null ? (
            <p className="inv-usable-now">Usable now</p>
          ) : (
            <p className="inv-not-usable">Not usable: {reason}</p>
          )}
          <p className="figure-caption">
            {reason === null
              ? 'In service, with a valid calibration.'
              : 'Uses and runs are refused until this is put right.'}
          </p>
        </section>
        <section className="card" aria-labelledby="calibration-heading">
          <h2 id="calibration-heading">Calibration</h2>
          <dl className="details">
            <dt>State</dt>
            <dd>
              <CalibrationStateBadge state={device.calibration_state} />
            </dd>
            <dt>Last</dt>
            <dd>
              {device.last_calibration_id ? (
                <>
                  <Link
                    to="/instruments/calibrations/$calibrationId"
                    params={{ calibrationId: device.last_calibration_id }}
                  >
                    {formatDateTime(device.last_calibrated_at)}
                  </Link>{' '}
                  {device.last_calibration_result && <ResultBadge result={device.last_calibration_result} />}
                </>
              ) : (
                'never'
              )}
            </dd>
            <dt>Next due</dt>
            <dd>
              <DueBadge due={device.next_calibration_due} />
            </dd>
            <dt>Interval</dt>
            <dd>{device.calibration_interval_days} days</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="device-heading">
          <h2 id="device-heading">Device</h2>
          <dl className="details">
            <dt>Service</dt>
            <dd>{device.in_service ? 'In service' : 'Out of service'}</dd>
            <dt>Hub</dt>
            <dd>{hubName(hubs.data, device.hub_id)}</dd>
            <dt>Driver</dt>
            <dd>{device.driver ?? '—'}</dd>
            <dt>Vendor</dt>
            <dd>{device.vendor || '—'}</dd>
            <dt>Model</dt>
            <dd>{device.model || '—'}</dd>
            <dt>Serial number</dt>
            <dd>{device.serial_number || '—'}</dd>
            <dt>Health</dt>
            <dd>{device.health_score === null ? '—' : `${Math.round(device.health_score * 100)} %`}</dd>
          </dl>
        </section>
      </div>
      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">Calibration history</h2>
        <CalibrationHistory device={device} />
      </section>
      <section className="card" aria-labelledby="logbook-heading">
        <h2 id="logbook-heading">Logbook</h2>
        <UsageLog deviceId={device.id} />
      </section>
      {dialog === 'calibrate' && <RecordCalibrationDialog device={device} isOpen onOpenChange={close} />}
      {dialog === 'use' && <RecordUseDialog device={device} isOpen onOpenChange={close} />}
      {dialog === 'service' && <ServiceDialog device={device} isOpen onOpenChange={close} />}
    </>
  );
}

function CalibrationHistory({ device }: { device: Device }) {
  const pages = useCalibrationPages({ device_id: device.id });
  return (
    <PagedTable pages={pages} empty="Never calibrated.">
      {(entries) => (
        <CalibrationsTable
          entries={entries}
          label={`Calibrations of ${device.device_id}`}
          showDevice={false}
        />
      )}
    </PagedTable>
  );
}
