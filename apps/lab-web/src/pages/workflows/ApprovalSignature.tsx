import { useQuery } from '@tanstack/react-query';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { fetchVersionSignatures, type WorkflowVersion, workflowKeys } from './workflow-api.ts';

/**
 * The approval's electronic signature as it is manifested (21 CFR 11.50): the signer's printed
 * name, when, and what the signature means, with the reason given.
 */
export function ApprovalSignature({ version }: { version: WorkflowVersion }) {
  const can = useCan();
  const signatureId = version.approval_signature_id;
  const signatures = useQuery({
    queryKey: workflowKeys.signatures(version.id),
    queryFn: () => fetchVersionSignatures(version.id),
    enabled: signatureId !== null && can('signatures:read'),
  });
  if (signatureId === null) return null;
  const signature = signatures.data?.find((item) => item.id === signatureId);
  return (
    <section className="card signature-card" aria-labelledby="approval-signature-heading">
      <h2 id="approval-signature-heading">Approval signature</h2>
      {!can('signatures:read') ? (
        <p>Approved {formatDateTime(version.approved_at)} by electronic signature.</p>
      ) : signatures.isPending ? (
        <Loading />
      ) : signatures.isError ? (
        <ErrorNotice error={signatures.error} />
      ) : !signature ? (
        <p>The signature is not in the record's signatures.</p>
      ) : (
        <dl className="details" data-testid="approval-manifestation">
          <dt>Signed by</dt>
          <dd>{signature.printed_name}</dd>
          <dt>Date and time</dt>
          <dd>{formatDateTime(signature.signed_at)}</dd>
          <dt>Meaning</dt>
          <dd>{signature.meaning}</dd>
          <dt>Reason</dt>
          <dd>{signature.reason ?? '—'}</dd>
          <dt>Record hash when signed</dt>
          <dd className="hash">{signature.record_hash}</dd>
        </dl>
      )}
    </section>
  );
}
