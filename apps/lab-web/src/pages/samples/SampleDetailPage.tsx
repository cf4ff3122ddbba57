import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan } from '../../session/use-me.ts';
import { LabelPanel } from './LabelPanel.tsx';
import { LineageSection } from './LineageSection.tsx';
import { SampleActions } from './SampleActions.tsx';
import { SampleHistory } from './SampleHistory.tsx';
import { SampleRuns } from './SampleRuns.tsx';
import { SampleSignatures } from './SampleSignatures.tsx';
import { SampleSummary } from './SampleSummary.tsx';
import { useOrganiserNames, useRefreshSamples, useSample } from './sample-queries.ts';
import { type Sample, statusLabel } from './sample-types.ts';
import { sampleRoute } from './samples.routes.ts';
import './samples.css';

/** Reads ?depth as the API takes it (0-20); anything else is the default, 1. */
function depthOf(value: string | undefined): number {
  const depth = Number(value);
  return Number.isInteger(depth) && depth >= 0 && depth <= 20 ? depth : 1;
}

/** One sample: fields, metadata, label, lineage, runs, signatures and history, with its actions. */
export function SampleDetailPage() {
  const { sampleId } = sampleRoute.useParams();
  const { depth } = sampleRoute.useSearch();
  const sample = useSample(sampleId, depthOf(depth));
  const names = useOrganiserNames();
  const refresh = useRefreshSamples();
  const can = useCan();
  const [split, setSplit] = useState<{ parent: string; children: Sample[] }>();
  if (sample.isPending) return <Loading label="Loading the sample…" />;
  if (sample.isError) {
    return (
      <>
        <PageHeader title={`Sample ${sampleId}`} />
        <ErrorNotice error={sample.error} />
        <p>
          <Link to="/samples">Back to the samples</Link>
        </p>
      </>
    );
  }
  const current = sample.data;
  return (
    <>
      <p>
        <Link to="/samples">← Samples</Link>
      </p>
      <PageHeader
        title={`Sample ${current.sample_id}`}
        subtitle={`${current.sample_type} · ${statusLabel(current.status)} · ${current.quantity} ${current.unit}`}
      >
        <SampleActions
          sample={current}
          names={names}
          refresh={() => void refresh()}
          onSplit={(children) => setSplit({ parent: current.id, children })}
        />
      </PageHeader>
      {current.deleted_at && (
        <InfoNotice tone="warning">
          This sample was deleted on {formatDateTime(current.deleted_at)}. It stays in the record and can no
          longer change.
        </InfoNotice>
      )}
      {split && split.parent === current.id && (
        <InfoNotice tone="success">
          Split into {split.children.map((child) => child.sample_id).join(', ')}.
        </InfoNotice>
      )}
      <div className="detail-grid">
        <SampleSummary sample={current} names={names} />
        <LabelPanel sample={current} />
      </div>
      <LineageSection sample={current} depth={depth} />
      {can('runs:read') && <SampleRuns id={current.id} />}
      <SampleSignatures sample={current} />
      <SampleHistory id={current.id} version={current.updated_at} />
    </>
  );
}
