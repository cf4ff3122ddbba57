import { useNavigate } from '@tanstack/react-router';
import { SelectField } from '../../components/fields.tsx';
import { LineageGraph } from './LineageGraph.tsx';
import { LineageList } from './LineageList.tsx';
import type { SampleDetail } from './sample-types.ts';
import { sampleRoute } from './samples.routes.ts';

const depths = ['1', '2', '3', '5', '10', '20'];

/** Ancestors and descendants to a chosen number of generations: the graph and the same as links. */
export function LineageSection({ sample, depth }: { sample: SampleDetail; depth: string | undefined }) {
  const navigate = useNavigate({ from: sampleRoute.fullPath });
  return (
    <section className="card" aria-labelledby="lineage-heading">
      <div className="page-header">
        <h2 id="lineage-heading">Lineage</h2>
        <SelectField
          label="Generations shown"
          value={depth ?? '1'}
          onChange={(value) =>
            void navigate({ search: value === '1' ? {} : { depth: value }, replace: true })
          }
          options={depths.map((id) => ({ id, label: id }))}
        />
      </div>
      <div className="lineage">
        <LineageGraph sample={sample} depth={depth} />
        <LineageList sample={sample} depth={depth} />
      </div>
    </section>
  );
}
