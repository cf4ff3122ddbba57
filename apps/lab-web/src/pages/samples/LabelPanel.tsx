import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { download, saveBlob } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField } from '../../components/fields.tsx';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import type { SampleDetail } from './sample-types.ts';

type Format = 'svg' | 'png';
type Code = 'datamatrix' | 'qr';

/**
 * The sample's printable label, previewed and downloadable. The image is fetched with the access
 * token (kept in memory only, so an <img src="/api/..."> could not authenticate) and shown from a
 * blob: address, which the page's CSP allows for images.
 */
export function LabelPanel({ sample }: { sample: SampleDetail }) {
  const [format, setFormat] = useState<Format>('svg');
  const [code, setCode] = useState<Code>('datamatrix');
  const label = useQuery({
    // The label shows the type, quantity and date: a changed sample (updated_at) is a new label.
    queryKey: ['sample-label', sample.id, sample.updated_at, format, code],
    queryFn: () =>
      download(`/api/samples/${encodeURIComponent(sample.id)}/label?format=${format}&code=${code}`),
    staleTime: 300_000,
  });
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!label.data) return;
    const objectUrl = URL.createObjectURL(label.data);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [label.data]);
  return (
    <section className="card" aria-labelledby="label-heading">
      <h2 id="label-heading">Label</h2>
      <div className="form-row">
        <SelectField
          label="Format"
          value={format}
          onChange={(value) => setFormat(value as Format)}
          options={[
            { id: 'svg', label: 'SVG (vector)' },
            { id: 'png', label: 'PNG (image)' },
          ]}
        />
        <SelectField
          label="Code"
          value={code}
          onChange={(value) => setCode(value as Code)}
          options={[
            { id: 'datamatrix', label: 'DataMatrix' },
            { id: 'qr', label: 'QR code' },
          ]}
        />
      </div>
      <div className="label-preview">
        {label.isPending ? (
          <Loading label="Preparing the label…" />
        ) : label.isError ? (
          <ErrorNotice error={label.error} />
        ) : (
          url && <img src={url} alt={`Label of ${sample.sample_id} (${format.toUpperCase()})`} />
        )}
      </div>
      <Button
        variant="secondary"
        isDisabled={!label.data}
        onPress={() => label.data && saveBlob(label.data, `label-${sample.sample_id}.${format}`)}
      >
        Download {format.toUpperCase()}
      </Button>
    </section>
  );
}
