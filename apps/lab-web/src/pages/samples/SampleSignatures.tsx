import { Link } from '@tanstack/react-router';
import { formatDateTime } from '../../format/dates.ts';
import type { SampleDetail, Signature } from './sample-types.ts';

/** The sample's electronic signatures: who signed, meaning what, when and why; each verifiable. */
export function SampleSignatures({ sample }: { sample: SampleDetail }) {
  // The detail types its signatures loosely; they are the lab's signature views.
  const signatures = sample.signatures as Signature[];
  return (
    <section className="card" aria-labelledby="signatures-heading">
      <h2 id="signatures-heading">Signatures</h2>
      {signatures.length === 0 ? (
        <p>Nobody has signed this sample.</p>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label="Signatures of the sample">
            <thead>
              <tr>
                <th scope="col">Signed by</th>
                <th scope="col">Meaning</th>
                <th scope="col">Date and time</th>
                <th scope="col">Reason</th>
                <th scope="col">Verification</th>
              </tr>
            </thead>
            <tbody>
              {signatures.map((signature) => (
                <tr key={signature.id}>
                  <td>{signature.printed_name}</td>
                  <td>{signature.meaning}</td>
                  <td>{formatDateTime(signature.signed_at)}</td>
                  <td>{signature.reason ?? '—'}</td>
                  <td>
                    <Link to="/signatures/$signatureId" params={{ signatureId: signature.id }}>
                      Verify the signature by {signature.printed_name}
                    </Link>
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
