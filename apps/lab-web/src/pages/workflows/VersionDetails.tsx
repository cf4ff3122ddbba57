import { formatDateTime } from '../../format/dates.ts';
import { useMe } from '../../session/use-me.ts';
import { StatusBadge } from './StatusBadge.tsx';
import type { WorkflowVersion } from './workflow-api.ts';

/** Who a user id is, as far as the API tells a non-administrator: the signed-in person, or someone else. */
function usePerson() {
  const me = useMe();
  return (id: string | null) => {
    if (!id) return '—';
    if (id === me.data?.id) return `you (${me.data.full_name})`;
    return `another user (${id.slice(0, 8)}…)`;
  };
}

/** A version's record: its state, the definition's hash, who wrote it and when it changed state. */
export function VersionDetails({ version }: { version: WorkflowVersion }) {
  const person = usePerson();
  return (
    <section className="card" aria-labelledby="version-details-heading">
      <h2 id="version-details-heading">Record</h2>
      <dl className="details">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={version.status} />
        </dd>
        <dt>Definition hash (SHA-256)</dt>
        <dd className="hash" data-testid="definition-hash">
          {version.definition_hash}
        </dd>
        <dt>Author</dt>
        <dd>{person(version.author_id)}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(version.created_at)}</dd>
        <dt>Last changed</dt>
        <dd>{formatDateTime(version.updated_at)}</dd>
        <dt>Submitted</dt>
        <dd>{formatDateTime(version.submitted_at)}</dd>
        <dt>Approved</dt>
        <dd>{formatDateTime(version.approved_at)}</dd>
        <dt>Retired</dt>
        <dd>
          {formatDateTime(version.retired_at)}
          {version.retired_by && ` by ${person(version.retired_by)}`}
        </dd>
      </dl>
    </section>
  );
}
