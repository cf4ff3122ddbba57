import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import type { GetReply } from '../../api/types.ts';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { hasRecordPage, RecordLink } from './RecordLink.tsx';
import { SignatureChecks } from './SignatureChecks.tsx';
import { SignatureKey } from './SignatureKey.tsx';
import { SignaturesOfRecord } from './SignaturesOfRecord.tsx';
import { WorkflowVersionLink } from './WorkflowVersionLink.tsx';
import './audit.css';
import { readableCode } from '../../format/text.ts';

type Signature = GetReply<'/api/signatures/{id}/verify'>['signature'];

const route = getRouteApi('/app/signatures/$signatureId');

/**
 * One electronic signature, re-verified now: is it genuine, and is its record unchanged since it was
 * signed; its §11.50 manifestation (printed name, time, meaning); the signed record; and the other
 * signatures on that record.
 */
export function SignaturePage() {
  const { signatureId } = route.useParams();
  const verification = useQuery({
    queryKey: ['signature-verify', signatureId],
    queryFn: () => data(api.GET('/api/signatures/{id}/verify', { params: { path: { id: signatureId } } })),
  });
  if (verification.isPending) return <Loading label="Verifying the signature…" />;
  if (verification.isError) {
    return (
      <>
        <PageHeader title="Electronic signature" />
        <ErrorNotice error={verification.error} />
      </>
    );
  }
  const { signature, signature_valid: valid, record_unchanged: unchanged } = verification.data;
  return (
    <>
      <PageHeader
        title="Electronic signature"
        subtitle={`${signature.meaning} by ${signature.printed_name}, ${formatDateTime(signature.signed_at)}`}
      />
      <SignatureChecks valid={valid} unchanged={unchanged} keyId={signature.key_id} />
      <div className="signature-grid">
        <section className="card" aria-labelledby="manifestation-heading">
          <h2 id="manifestation-heading">Manifestation</h2>
          <dl className="signature-manifestation">
            <dt>Signed by</dt>
            <dd>{signature.printed_name}</dd>
            <dt>Date and time</dt>
            <dd>{formatDateTime(signature.signed_at)}</dd>
            <dt>Meaning</dt>
            <dd>{signature.meaning}</dd>
            <dt>Reason</dt>
            <dd>{signature.reason ?? '—'}</dd>
          </dl>
        </section>
        <SignedRecord signature={signature} />
      </div>
      <SignaturesOfRecord
        recordType={signature.record_type}
        recordId={signature.record_id}
        currentId={signature.id}
      />
      <SignatureKey keyId={signature.key_id} signature={signature.signature} />
    </>
  );
}

function SignedRecord({ signature }: { signature: Signature }) {
  const can = useCan();
  return (
    <section className="card" aria-labelledby="record-heading">
      <h2 id="record-heading">Signed record</h2>
      <dl className="details">
        <dt>Type</dt>
        <dd>{readableCode(signature.record_type)}</dd>
        <dt>Record</dt>
        <dd>
          {signature.record_type === 'workflow_version' ? (
            <WorkflowVersionLink versionId={signature.record_id} />
          ) : hasRecordPage(signature.record_type) ? (
            <RecordLink
              type={signature.record_type}
              id={signature.record_id}
              label={`Open the ${readableCode(signature.record_type)}`}
            />
          ) : (
            'no page for this kind of record'
          )}
        </dd>
        <dt>Record id</dt>
        <dd>
          <code>{signature.record_id}</code>
        </dd>
        <dt>Record hash when signed</dt>
        <dd>
          <code className="hash">{signature.record_hash}</code>
        </dd>
        <dt>Signer id</dt>
        <dd>
          <code>{signature.signer_id}</code>
        </dd>
      </dl>
      {can('audit:read') && (
        <p>
          <Link to="/audit" search={{ entity_type: signature.record_type, entity_id: signature.record_id }}>
            Audit trail of this record
          </Link>
        </p>
      )}
    </section>
  );
}
