import { Link } from '@tanstack/react-router';
import { Button } from '../../components/Button.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { type AuditEntry, signatureIdOf } from './audit-api.ts';
import { ChangeTable } from './ChangeTable.tsx';
import { RecordLink } from './RecordLink.tsx';

/** One entry of the trail: who did what to which record and why, its change as a diff, its hashes. */
export function AuditEntryDialog({ entry, onClose }: { entry: AuditEntry | undefined; onClose: () => void }) {
  return (
    <Dialog
      title={entry ? `Audit entry ${entry.seq}` : 'Audit entry'}
      isOpen={entry !== undefined}
      onOpenChange={(open) => !open && onClose()}
      wide
    >
      {entry && <EntryBody entry={entry} />}
      <div className="dialog-actions">
        <Button variant="primary" onPress={onClose} autoFocus>
          Close
        </Button>
      </div>
    </Dialog>
  );
}

function EntryBody({ entry }: { entry: AuditEntry }) {
  const signatureId = signatureIdOf(entry);
  return (
    <>
      <dl className="details">
        <dt>When</dt>
        <dd>{formatDateTime(entry.occurred_at)}</dd>
        <dt>Who</dt>
        <dd>{entry.actor_email ?? entry.actor_id ?? 'system'}</dd>
        <dt>Action</dt>
        <dd>
          <code>{entry.action}</code>
        </dd>
        <dt>Record</dt>
        <dd>
          {entry.entity_type}{' '}
          {entry.entity_id && <RecordLink type={entry.entity_type} id={entry.entity_id} />}
        </dd>
        <dt>Reason</dt>
        <dd>{entry.reason ?? '—'}</dd>
        {signatureId && (
          <>
            <dt>Signature</dt>
            <dd>
              <Link to="/signatures/$signatureId" params={{ signatureId }}>
                Verify this signature
              </Link>
            </dd>
          </>
        )}
      </dl>
      <h4 className="subheading">What changed</h4>
      <ChangeTable
        before={entry.before}
        after={entry.after}
        caption={`Fields changed by entry ${entry.seq}`}
      />
      <details className="disclosure">
        <summary>Raw entry (JSON) and hashes</summary>
        <dl className="details">
          <dt>Request</dt>
          <dd>{entry.request_id ?? '—'}</dd>
          <dt>Client address</dt>
          <dd>{entry.client_ip ?? '—'}</dd>
          <dt>Previous hash</dt>
          <dd>
            <code className="hash">{entry.prev_hash}</code>
          </dd>
          <dt>Hash</dt>
          <dd>
            <code className="hash">{entry.hash}</code>
          </dd>
        </dl>
        <pre className="raw-json">
          {JSON.stringify({ before: entry.before, after: entry.after }, null, 2)}
        </pre>
      </details>
    </>
  );
}
