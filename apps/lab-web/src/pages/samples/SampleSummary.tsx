import { Fragment } from 'react';
import { formatDateTime } from '../../format/dates.ts';
import type { OrganiserNames } from './sample-queries.ts';
import { type SampleDetail, statusLabel, statusTone } from './sample-types.ts';

/** The sample's fields and its free metadata. */
export function SampleSummary({ sample, names }: { sample: SampleDetail; names: OrganiserNames }) {
  const named = (map: Map<string, string>, id: string | null) => (id ? (map.get(id) ?? id) : '—');
  const metadata = Object.entries(sample.metadata);
  return (
    <>
      <section className="card" aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <dl className="details">
          <dt>Sample id</dt>
          <dd>{sample.sample_id}</dd>
          <dt>Type</dt>
          <dd>{sample.sample_type}</dd>
          <dt>Status</dt>
          <dd>
            <span className={statusTone(sample.status)}>{statusLabel(sample.status)}</span>
          </dd>
          <dt>Quantity</dt>
          <dd>
            {sample.quantity} {sample.unit}
          </dd>
          <dt>Lab</dt>
          <dd>{named(names.lab, sample.lab_id)}</dd>
          <dt>Project</dt>
          <dd>{named(names.project, sample.project_id)}</dd>
          <dt>Batch</dt>
          <dd>{named(names.batch, sample.batch_id)}</dd>
          <dt>Container</dt>
          <dd>{named(names.container, sample.container_id)}</dd>
          <dt>Registered</dt>
          <dd>{formatDateTime(sample.created_at)}</dd>
          <dt>Last changed</dt>
          <dd>{formatDateTime(sample.updated_at)}</dd>
          {sample.deleted_at && (
            <>
              <dt>Deleted</dt>
              <dd className="attention">{formatDateTime(sample.deleted_at)}</dd>
            </>
          )}
          <dt>Uuid</dt>
          <dd>
            <code>{sample.id}</code>
          </dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="metadata-heading">
        <h2 id="metadata-heading">Metadata</h2>
        {metadata.length === 0 ? (
          <p>No metadata.</p>
        ) : (
          <dl className="details">
            {metadata.map(([key, value]) => (
              <Fragment key={key}>
                <dt>{key}</dt>
                <dd className="metadata-value">
                  {typeof value === 'string' ? value : JSON.stringify(value, null, 2)}
                </dd>
              </Fragment>
            ))}
          </dl>
        )}
      </section>
    </>
  );
}
