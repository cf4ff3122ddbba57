/**
 * The two answers a reviewer needs, in words and badges (never colour alone): is the signature
 * genuine, and is the signed record still exactly what was signed.
 */
export function SignatureChecks({
  valid,
  unchanged,
  keyId,
}: {
  valid: boolean;
  unchanged: boolean;
  keyId: string;
}) {
  return (
    <section className="card" aria-labelledby="checks-heading">
      <h2 id="checks-heading">Verification</h2>
      <ul className="check-list">
        <li className={valid ? 'ok' : 'attention'}>
          <span className={`badge ${valid ? 'badge-ok' : 'badge-danger'}`}>{valid ? 'OK' : 'Attention'}</span>
          <span>
            <strong>{valid ? 'Signature valid' : 'Signature not valid'}</strong>
            {valid
              ? ` — it verifies with the server's public key ${keyId}.`
              : ' — it does not verify with the public key it names: do not rely on it.'}
          </span>
        </li>
        <li className={unchanged ? 'ok' : 'attention'}>
          <span className={`badge ${unchanged ? 'badge-ok' : 'badge-danger'}`}>
            {unchanged ? 'OK' : 'Attention'}
          </span>
          <span>
            <strong>{unchanged ? 'Record unchanged since signing' : 'Record changed since signing'}</strong>
            {unchanged
              ? ' — its content still matches the hash that was signed.'
              : ' — its content no longer matches the hash that was signed; the signature applies to the earlier content.'}
          </span>
        </li>
      </ul>
    </section>
  );
}
