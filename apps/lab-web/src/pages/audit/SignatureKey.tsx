import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client.ts';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { formatDateTime } from '../../format/dates.ts';

/**
 * The public key a signature names (from the public key list, so anyone can check it independently
 * of this server), and the signature value itself behind a disclosure.
 */
export function SignatureKey({ keyId, signature }: { keyId: string; signature: string }) {
  const keys = useQuery({
    queryKey: ['signing-keys'],
    queryFn: () => data(api.GET('/api/compliance/keys')),
    staleTime: 300_000,
  });
  const key = keys.data?.keys.find((candidate) => candidate.key_id === keyId);
  return (
    <section className="card" aria-labelledby="key-heading">
      <h2 id="key-heading">Signing key</h2>
      {keys.isPending && <Loading />}
      <ErrorNotice error={keys.error} />
      {keys.data && (
        <dl className="details">
          <dt>Key id</dt>
          <dd>
            <code>{keyId}</code>{' '}
            {keys.data.current_key_id === keyId ? (
              <span className="badge badge-info">current key</span>
            ) : (
              <span className="badge">rotated key</span>
            )}
          </dd>
          <dt>Algorithm</dt>
          <dd>{key?.algorithm ?? 'unknown key'}</dd>
          <dt>In use since</dt>
          <dd>{formatDateTime(key?.first_used_at)}</dd>
        </dl>
      )}
      <details className="disclosure">
        <summary>Signature value and public key</summary>
        <h3>Signature (base64)</h3>
        <pre className="raw-json">{signature}</pre>
        {key && (
          <>
            <h3>Public key (PEM)</h3>
            <pre className="raw-json">{key.public_key_pem}</pre>
          </>
        )}
      </details>
    </section>
  );
}
