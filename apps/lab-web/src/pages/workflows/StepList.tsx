import type { StepNode, StepTree } from './step-tree.ts';
import { stepTypeLabel } from './step-tree.ts';

function Steps({ steps, label, labelledBy }: { steps: StepNode[]; label?: string; labelledBy?: string }) {
  if (steps.length === 0) return <p className="step-list-empty">No steps.</p>;
  return (
    <ol className="step-list" aria-label={label} aria-labelledby={labelledBy}>
      {steps.map((step) => (
        <li key={step.path} className={`step-list-item step-list-${step.type}`}>
          <span className="step-list-type">{stepTypeLabel[step.type] ?? step.type}</span>{' '}
          <code>{step.id}</code>: {step.summary}
          {step.branches.map((branch) => (
            <div key={branch.label} className="step-list-branch">
              {step.type === 'condition' && <span className="step-list-branch-label">{branch.label}:</span>}
              <Steps steps={branch.steps} label={`${step.id}: ${branch.label}`} />
            </div>
          ))}
        </li>
      ))}
    </ol>
  );
}

/** The steps of a definition as nested ordered lists: what the graph draws, for every reader. */
export function StepList({ tree, labelledBy }: { tree: StepTree; labelledBy: string }) {
  return (
    <div className="step-lists">
      <Steps steps={tree.steps} labelledBy={labelledBy} />
      {tree.onAbort.length > 0 && (
        <div className="step-list-abort">
          <p className="step-list-abort-title">On abort (run when a run is aborted):</p>
          <Steps steps={tree.onAbort} label="Steps on abort" />
        </div>
      )}
    </div>
  );
}
