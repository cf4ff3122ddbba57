import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { formatDateTime } from '../../format/dates.ts';

/** Every signature on the same record, oldest first, this one marked. */
export function SignaturesOfRecord({
  recordType,
  recordId,
  currentId,
}: {
  recordType: string;
  recordId: string;
  currentId: string;
}) {
  const signatures = useQuery({
    queryKey: ['signatures', recordType, recordId],
    queryFn: () =>
      data(
        api.GET('/api/signatures', { params: { query: { record_type: recordType, record_id: recordId } } }),
      ),
  });
  return (
    <section className="card" aria-labelledby="all-signatures-heading">
      <h2 id="all-signatures-heading">Signatures on this record</h2>
      {signatures.isPending && <Loading />}
      <ErrorNotice error={signatures.error} />
      {signatures.data && (
        <div className="table-wrap">
          <table className="data" aria-label="Signatures on this record, oldest first">
            <thead>
              <tr>
                <th scope="col">Signed by</th>
                <th scope="col">Meaning</th>
                <th scope="col">When</th>
                <th scope="col">Reason</th>
                <th scope="col">Signature</th>
              </tr>
            </thead>
            <tbody>
              {signatures.data.map((signature) => (
                <tr key={signature.id} className={signature.id === currentId ? 'current-row' : undefined}>
                  <td>{signature.printed_name}</td>
                  <td>{signature.meaning}</td>
                  <td>{formatDateTime(signature.signed_at)}</td>
                  <td>{signature.reason ?? ''}</td>
                  <td>
                    {signature.id === currentId ? (
                      <span>this signature</span>
                    ) : (
                      <Link to="/signatures/$signatureId" params={{ signatureId: signature.id }}>
                        Verify
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
