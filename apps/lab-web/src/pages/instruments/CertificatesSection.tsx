import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FileTrigger } from 'react-aria-components';
import { download, saveBlob } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice, InfoNotice } from '../../components/Notice.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { certificateTypes, maxCertificateBytes, uploadCertificate } from './certificate-upload.ts';
import { type Calibration, type Certificate, refreshInstruments } from './device-api.ts';

const size = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const sizeOf = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${size.format(bytes / 1024)} KB`
      : `${size.format(bytes / 1048576)} MB`;

/** Why a file would be refused before sending it, or null (the lab still checks its content). */
function fileProblem(file: File): string | null {
  if (file.size > maxCertificateBytes)
    return `${file.name} is ${sizeOf(file.size)}: a certificate may be at most 10 MB.`;
  if (file.type && !certificateTypes.includes(file.type))
    return `${file.name} is not a PDF, PNG or JPEG file.`;
  return null;
}

/**
 * A calibration's certificates: every version (a re-upload adds one, never replaces), each
 * downloadable; and, for people who record calibrations, the upload of a new version.
 */
export function CertificatesSection({ entry }: { entry: Calibration }) {
  const can = useCan();
  const versions = [...entry.certificates].sort((a, b) => b.version - a.version);
  return (
    <section className="card" aria-labelledby="certificates-heading">
      <h2 id="certificates-heading">Certificates</h2>
      {versions.length === 0 ? <p>No certificate uploaded yet.</p> : <CertificateTable versions={versions} />}
      {can('calibration:create') && <UploadCertificate entry={entry} />}
    </section>
  );
}

function CertificateTable({ versions }: { versions: Certificate[] }) {
  const [failed, setFailed] = useState<unknown>(null);
  const fetchVersion = async (certificate: Certificate) => {
    setFailed(null);
    try {
      const blob = await download(
        `/api/calibration/${certificate.calibration_id}/certificate?version=${certificate.version}`,
      );
      saveBlob(blob, certificate.client_filename || `certificate-v${certificate.version}`);
    } catch (error) {
      setFailed(error);
    }
  };
  return (
    <>
      <div className="table-wrap">
        <table className="data" aria-label="Certificate versions">
          <thead>
            <tr>
              <th scope="col" className="number">
                Version
              </th>
              <th scope="col">File</th>
              <th scope="col">Type</th>
              <th scope="col" className="number">
                Size
              </th>
              <th scope="col">SHA-256</th>
              <th scope="col">Uploaded</th>
              <th scope="col">Download</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((certificate) => (
              <tr key={certificate.version}>
                <td className="number">{certificate.version}</td>
                <td>{certificate.client_filename}</td>
                <td>{certificate.media_type}</td>
                <td className="number">{sizeOf(certificate.size_bytes)}</td>
                <td>
                  <code title={certificate.sha256}>{certificate.sha256.slice(0, 16)}…</code>
                </td>
                <td>{formatDateTime(certificate.uploaded_at)}</td>
                <td>
                  <Button
                    variant="quiet"
                    onPress={() => void fetchVersion(certificate)}
                    aria-label={`Download version ${certificate.version}`}
                  >
                    Download
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorNotice error={failed} />
    </>
  );
}

function UploadCertificate({ entry }: { entry: Calibration }) {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const problem = file ? fileProblem(file) : null;
  const upload = useMutation({
    mutationFn: (chosen: File) => uploadCertificate(entry.id, chosen),
    onSuccess: async () => {
      setFile(null);
      await refreshInstruments(queryClient);
    },
  });
  return (
    <div className="form">
      <h3>Upload {entry.certificates.length > 0 ? 'a new version' : 'the certificate'}</h3>
      <p className="figure-caption">A PDF, PNG or JPEG file of at most 10 MB.</p>
      <div className="inv-file-choice">
        <FileTrigger
          acceptedFileTypes={certificateTypes}
          onSelect={(files) => {
            upload.reset();
            setFile(files?.[0] ?? null);
          }}
        >
          <Button variant="secondary">Choose file…</Button>
        </FileTrigger>
        <span aria-live="polite">{file ? `${file.name} (${sizeOf(file.size)})` : 'No file chosen'}</span>
        <Button
          variant="primary"
          isDisabled={!file || problem !== null || upload.isPending}
          onPress={() => file && upload.mutate(file)}
        >
          {upload.isPending ? 'Uploading…' : 'Upload certificate'}
        </Button>
      </div>
      {problem && (
        <div className="notice notice-error" role="alert">
          {problem}
        </div>
      )}
      <ErrorNotice error={upload.error} />
      {upload.data && (
        <InfoNotice tone="success">
          Version {upload.data.version} uploaded ({upload.data.client_filename}).
        </InfoNotice>
      )}
    </div>
  );
}
