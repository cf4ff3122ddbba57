import { formatDateTime } from '../../format/dates.ts';
import type { CalibrationState } from './device-api.ts';

/** How soon a due date counts as "soon" (the upcoming list's default window). */
export const dueSoonDays = 30;

const stateLabel: Record<CalibrationState, string> = {
  valid: 'valid',
  overdue: 'overdue',
  failed: 'failed',
  never_calibrated: 'never calibrated',
};
const stateTone: Record<CalibrationState, string> = {
  valid: 'badge-ok',
  overdue: 'badge-danger',
  failed: 'badge-danger',
  never_calibrated: 'badge-warn',
};

export const calibrationStateLabel = (state: CalibrationState) => stateLabel[state];

export function CalibrationStateBadge({ state }: { state: CalibrationState }) {
  return <span className={`badge ${stateTone[state]}`}>{stateLabel[state]}</span>;
}

/** A calibration result (pass or fail) as a badge. */
export function ResultBadge({ result }: { result: string }) {
  return <span className={`badge ${result === 'pass' ? 'badge-ok' : 'badge-danger'}`}>{result}</span>;
}

/** A calibration due time: a danger badge once past, a warning badge within 30 days, plain after. */
export function DueBadge({ due, now = Date.now() }: { due: string | null; now?: number }) {
  if (!due) return <span>—</span>;
  const days = Math.floor((Date.parse(due) - now) / 86_400_000);
  if (Date.parse(due) < now)
    return <span className="badge badge-danger">Overdue since {formatDateTime(due)}</span>;
  if (days <= dueSoonDays) {
    return (
      <span className="badge badge-warn">
        Due {formatDateTime(due)} ({days === 0 ? 'within a day' : `in ${days} ${days === 1 ? 'day' : 'days'}`}
        )
      </span>
    );
  }
  return <span>{formatDateTime(due)}</span>;
}

/** Why a device may not be used now, or null when it may (in service and calibration valid). */
export function unusableReason(device: {
  usable: boolean;
  in_service: boolean;
  calibration_state: CalibrationState;
}): string | null {
  if (device.usable) return null;
  if (!device.in_service) return 'out of service';
  if (device.calibration_state === 'never_calibrated') return 'never calibrated';
  if (device.calibration_state === 'failed') return 'failed its latest calibration';
  if (device.calibration_state === 'overdue') return 'calibration overdue';
  return 'not usable';
}

/** "Usable now", or why not. */
export function UsabilityBadge(props: {
  usable: boolean;
  in_service: boolean;
  calibration_state: CalibrationState;
}) {
  const reason = unusableReason(props);
  return reason === null ? (
    <span className="badge badge-ok">Usable now</span>
  ) : (
    <span className="badge badge-danger">Not usable: {reason}</span>
  );
}
