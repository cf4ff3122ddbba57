import { Link } from '@tanstack/react-router';
import type { Relative, SampleDetail } from './sample-types.ts';
import { statusLabel } from './sample-types.ts';

function Relatives({
  title,
  rows,
  depth,
  word,
}: {
  title: string;
  rows: Relative[];
  depth: string | undefined;
  word: (generation: number) => string;
}) {
  return (
    <>
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p>None{depth && depth !== '1' ? ` within ${depth} generations` : ''}.</p>
      ) : (
        <ul className="plain-list">
          {rows.map((row) => (
            <li key={row.id}>
              <Link to="/samples/$sampleId" params={{ sampleId: row.id }} search={depth ? { depth } : {}}>
                {row.sample_id}
              </Link>{' '}
              ({row.relation}, {word(row.depth)}, {statusLabel(row.status)})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The lineage graph's relatives as plain links: the keyboard and screen reader way to walk it. */
export function LineageList({ sample, depth }: { sample: SampleDetail; depth: string | undefined }) {
  const generation = (up: boolean) => (n: number) =>
    n === 1 ? (up ? 'parent' : 'child') : `${n} generations ${up ? 'up' : 'down'}`;
  return (
    <nav className="lineage-list" aria-label={`Relatives of ${sample.sample_id}`}>
      <Relatives title="Ancestors" rows={sample.ancestors} depth={depth} word={generation(true)} />
      <Relatives title="Descendants" rows={sample.descendants} depth={depth} word={generation(false)} />
    </nav>
  );
}
