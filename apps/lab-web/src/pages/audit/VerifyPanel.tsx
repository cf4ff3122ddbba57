import { useQuery } from '@tanstack/react-query';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { type AuditEntry, fetchAuditEntry, type Verification } from './audit-api.ts';

/**
 * The result of walking the chain from genesis: intact (how many entries, the head hash, the last
 * signed checkpoint), or broken at its first bad entry, which is shown so it can be opened.
 */
export function VerifyResult({
  verification,
  onOpenEntry,
}: {
  verification: Verification;
  onOpenEntry: (entry: AuditEntry) => void;
}) {
  const checkpoint = verification.last_checkpoint;
  return (
    <section
      className={`card verify-result ${verification.valid ? 'verify-ok' : 'verify-broken'}`}
      aria-labelledby="verify-heading"
    >
      <h2 id="verify-heading">Chain verification</h2>
      {verification.valid ? (
        <p className="ok verify-summary" role="status">
          <span className="badge badge-ok">Intact</span> The audit trail is intact:{' '}
          {verification.checked.toLocaleString()} entries checked from genesis.
        </p>
      ) : (
        <p className="attention verify-summary" role="alert">
          <span className="badge badge-danger">Broken</span> The audit trail is broken at entry{' '}
          {verification.first_invalid_seq ?? '?'}
          {verification.reason ? `: ${verification.reason}` : ''}. {verification.checked.toLocaleString()}{' '}
          entries checked.
        </p>
      )}
      <dl className="details">
        <dt>Head hash</dt>
        <dd>
          <code className="hash">{verification.head_hash}</code>
        </dd>
        <dt>Last signed checkpoint</dt>
        <dd>
          {checkpoint
            ? `entry ${checkpoint.seq}, signed ${formatDateTime(checkpoint.signed_at)} with key ${checkpoint.key_id}`
            : 'none yet'}
        </dd>
      </dl>
      {!verification.valid && verification.first_invalid_seq !== null && (
        <FirstBadEntry seq={verification.first_invalid_seq} onOpenEntry={onOpenEntry} />
      )}
    </section>
  );
}

function FirstBadEntry({ seq, onOpenEntry }: { seq: number; onOpenEntry: (entry: AuditEntry) => void }) {
  const entry = useQuery({ queryKey: ['audit-entry', seq], queryFn: () => fetchAuditEntry(seq) });
  if (entry.isPending) return <Loading label={`Loading entry ${seq}…`} />;
  if (entry.isError) return <ErrorNotice error={entry.error} />;
  if (!entry.data) return <p>Entry {seq} is missing from the trail.</p>;
  const bad = entry.data;
  return (
    <div className="first-bad-entry">
      <h3>First broken entry</h3>
      <p>
        Entry {bad.seq}: <code>{bad.action}</code> on {bad.entity_type} {bad.entity_id ?? ''} by{' '}
        {bad.actor_email ?? 'system'}, {formatDateTime(bad.occurred_at)}
        {bad.reason ? ` (reason: ${bad.reason})` : ''}.
      </p>
      <Button variant="secondary" onPress={() => onOpenEntry(bad)}>
        Show entry {bad.seq}
      </Button>
    </div>
  );
}
