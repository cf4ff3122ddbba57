import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ViewTabs } from '../../components/ViewTabs.tsx';
import { useCan } from '../../session/use-me.ts';
import { CalibrationsView } from './CalibrationsView.tsx';
import { DevicesView } from './DevicesView.tsx';
import { OverdueView, UpcomingView } from './DueViews.tsx';
import { InterlocksView } from './InterlocksView.tsx';
import { instrumentsRoute } from './instruments.routes.ts';
import { RecordCalibrationDialog } from './RecordCalibrationDialog.tsx';
import { RegisterDeviceDialog } from './RegisterDeviceDialog.tsx';
import '../inventory/inventory.css';

const views = [
  { id: 'devices', label: 'Devices' },
  { id: 'overdue', label: 'Overdue' },
  { id: 'upcoming', label: 'Upcoming' },
  { id: 'calibrations', label: 'Calibrations' },
  { id: 'interlocks', label: 'Interlocks' },
] as const;
type ViewId = (typeof views)[number]['id'];

const isView = (value: string | undefined): value is ViewId => views.some((view) => view.id === value);

/** Instruments: devices and whether they may be used, calibration due lists and log, interlocks. */
export function InstrumentsPage() {
  const search = instrumentsRoute.useSearch();
  const navigate = useNavigate({ from: '/instruments' });
  const can = useCan();
  const [dialog, setDialog] = useState<'device' | 'calibration' | null>(null);
  const view: ViewId = isView(search.view) ? search.view : 'devices';
  const close = (open: boolean) => !open && setDialog(null);
  return (
    <>
      <PageHeader title="Instruments" subtitle="Devices, their calibration and usability, and interlocks">
        {can('calibration:create') && (
          <Button variant="primary" onPress={() => setDialog('calibration')}>
            Record calibration
          </Button>
        )}
        {can('devices:manage') && <Button onPress={() => setDialog('device')}>Register device</Button>}
      </PageHeader>
      <ViewTabs
        label="Instrument views"
        views={views}
        selected={view}
        // A new view starts without the previous view's filters.
        onSelect={(next) => void navigate({ search: { view: next === 'devices' ? undefined : next } })}
      >
        {(shown) => (
          <>
            {shown === 'devices' && <DevicesView search={search} />}
            {shown === 'overdue' && <OverdueView />}
            {shown === 'upcoming' && <UpcomingView search={search} />}
            {shown === 'calibrations' && <CalibrationsView search={search} />}
            {shown === 'interlocks' && <InterlocksView />}
          </>
        )}
      </ViewTabs>
      <RegisterDeviceDialog isOpen={dialog === 'device'} onOpenChange={close} />
      {dialog === 'calibration' && <RecordCalibrationDialog isOpen onOpenChange={close} />}
    </>
  );
}
