import { statusTone, type VersionStatus } from './workflow-api.ts';

/** A version's state, as a badge: draft, submitted, approved (may run) or retired. */
export function StatusBadge({ status }: { status: VersionStatus }) {
  return <span className={`badge ${statusTone[status]}`.trim()}>{status}</span>;
}
