import { Link } from '@tanstack/react-router';
import { Checkbox } from '../../components/fields.tsx';
import { formatDateTime } from '../../format/dates.ts';
import type { OrganiserNames } from './sample-queries.ts';
import { type Sample, statusLabel, statusTone } from './sample-types.ts';

export interface SamplesTableProps {
  samples: Sample[];
  names: OrganiserNames;
  /** Selected samples by uuid, with their business id (kept across pages, in the order chosen). */
  selected: ReadonlyMap<string, string>;
  toggle: (sample: Sample, selected: boolean) => void;
}

/** One page of samples, each with a checkbox for the label sheet. */
export function SamplesTable({ samples, names, selected, toggle }: SamplesTableProps) {
  const allOnPage = samples.length > 0 && samples.every((sample) => selected.has(sample.id));
  const someOnPage = samples.some((sample) => selected.has(sample.id));
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Samples">
        <thead>
          <tr>
            <th scope="col" className="select-column">
              <Checkbox
                aria-label="Select every sample on this page"
                isSelected={allOnPage}
                isIndeterminate={someOnPage && !allOnPage}
                onChange={(on) => {
                  for (const sample of samples) toggle(sample, on);
                }}
              >
                {null}
              </Checkbox>
            </th>
            <th scope="col">Sample id</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col" className="number">
              Quantity
            </th>
            <th scope="col">Project</th>
            <th scope="col">Batch</th>
            <th scope="col">Container</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {samples.map((sample) => (
            <tr key={sample.id} className={sample.deleted_at ? 'row-deleted' : undefined}>
              <td className="select-column">
                <Checkbox
                  aria-label={`Select ${sample.sample_id}`}
                  isSelected={selected.has(sample.id)}
                  onChange={(on) => toggle(sample, on)}
                >
                  {null}
                </Checkbox>
              </td>
              <td>
                <Link to="/samples/$sampleId" params={{ sampleId: sample.id }}>
                  {sample.sample_id}
                </Link>
                {sample.deleted_at && <span className="badge badge-danger deleted-badge">deleted</span>}
              </td>
              <td>{sample.sample_type}</td>
              <td>
                <span className={statusTone(sample.status)}>{statusLabel(sample.status)}</span>
              </td>
              <td className="number">
                {sample.quantity} {sample.unit}
              </td>
              <td>{sample.project_id ? (names.project.get(sample.project_id) ?? '…') : '—'}</td>
              <td>{sample.batch_id ? (names.batch.get(sample.batch_id) ?? '…') : '—'}</td>
              <td>{sample.container_id ? (names.container.get(sample.container_id) ?? '…') : '—'}</td>
              <td>{formatDateTime(sample.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
