import type { ConnectionState } from './live-run-store.ts';

const shown: Record<ConnectionState, { label: string; className: string }> = {
  connecting: { label: 'Connecting…', className: 'badge' },
  live: { label: 'Live', className: 'badge badge-ok' },
  reconnecting: { label: 'Reconnecting…', className: 'badge badge-warn' },
  ended: { label: 'Stream ended', className: 'badge' },
  failed: { label: 'Not following', className: 'badge badge-danger' },
};

/** Whether the page is following the run's events: live, reconnecting after a drop, or done. */
export function ConnectionBadge({ state }: { state: ConnectionState }) {
  const { label, className } = shown[state];
  return (
    <span className={className} data-testid="run-connection" data-connection={state} title="Live updates">
      {label}
    </span>
  );
}
