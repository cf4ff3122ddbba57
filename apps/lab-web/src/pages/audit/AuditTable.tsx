import { Link } from '@tanstack/react-router';
import { Button } from '../../components/Button.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { type AuditEntry, signatureIdOf } from './audit-api.ts';
import { RecordLink } from './RecordLink.tsx';

/** A page of the trail: one row per entry, newest first, each openable for its change. */
export function AuditTable({
  entries,
  onOpen,
}: {
  entries: AuditEntry[];
  onOpen: (entry: AuditEntry) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="data audit-table" aria-label="Audit trail entries, newest first">
        <thead>
          <tr>
            <th scope="col" className="number">
              Entry
            </th>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Record</th>
            <th scope="col">Reason</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const signatureId = signatureIdOf(entry);
            return (
              <tr key={entry.seq}>
                <td className="number">{entry.seq}</td>
                <td className="nowrap">{formatDateTime(entry.occurred_at)}</td>
                <td>{entry.actor_email ?? 'system'}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td>
                  {entry.entity_type}{' '}
                  {entry.entity_id && (
                    <RecordLink
                      type={entry.entity_type}
                      id={entry.entity_id}
                      label={shortId(entry.entity_id)}
                    />
                  )}
                  {signatureId && (
                    <>
                      {' · '}
                      <Link to="/signatures/$signatureId" params={{ signatureId }}>
                        signature
                      </Link>
                    </>
                  )}
                </td>
                <td>{entry.reason ?? ''}</td>
                <td>
                  <Button
                    variant="quiet"
                    onPress={() => onOpen(entry)}
                    aria-label={`Show entry ${entry.seq}`}
                  >
                    Show
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A uuid is long for a table cell: its first block identifies it to the eye (the full id is in the entry). */
function shortId(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(id) ? `${id.slice(0, 8)}…` : id;
}
