import './workflows.css';
import { Link } from '@tanstack/react-router';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useCan, useMe } from '../../session/use-me.ts';
import { NewVersionButton } from './NewVersionButton.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { useWorkflow } from './workflow-api.ts';
import { workflowRoute } from './workflows.routes.ts';

/** One workflow: its versions, newest first, each with its state and when it got there. */
export function WorkflowPage() {
  const { name } = workflowRoute.useParams();
  const { lab_id: labId } = workflowRoute.useSearch();
  const workflow = useWorkflow(name, labId);
  const can = useCan();
  const me = useMe();
  if (workflow.isPending) return <Loading />;
  if (workflow.isError) {
    return (
      <>
        <PageHeader title={`Workflow ${name}`} />
        <ErrorNotice error={workflow.error} />
      </>
    );
  }
  const { versions } = workflow.data;
  const latest = versions[0];
  const approved = versions.find((version) => version.status === 'approved');
  return (
    <>
      <PageHeader
        title={`Workflow ${name}`}
        subtitle={`Created ${formatDateTime(workflow.data.created_at)} · ${versions.length} version${versions.length === 1 ? '' : 's'}`}
      >
        {approved && can('runs:create') && (
          <Link
            className="button button-primary"
            to="/runs/new"
            search={{ workflow: name, version: String(approved.version) }}
          >
            Start a run (v{approved.version})
          </Link>
        )}
        {latest && can('workflows:create') && (
          <NewVersionButton name={name} from={latest.version} labId={labId} />
        )}
      </PageHeader>
      <p>
        <Link to="/workflows" search={{ lab_id: labId }}>
          All workflows
        </Link>
      </p>
      <div className="table-wrap">
        <table className="data" aria-label={`Versions of ${name}`}>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Author</th>
              <th scope="col">Created</th>
              <th scope="col">Submitted</th>
              <th scope="col">Approved</th>
              <th scope="col">Retired</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((version) => (
              <tr key={version.id}>
                <td>
                  <Link
                    to="/workflows/$name/versions/$version"
                    params={{ name, version: String(version.version) }}
                    search={{ lab_id: labId }}
                  >
                    Version {version.version}
                  </Link>
                </td>
                <td>
                  <StatusBadge status={version.status} />
                </td>
                <td>{version.author_id === me.data?.id ? 'you' : 'another user'}</td>
                <td>{formatDateTime(version.created_at)}</td>
                <td>{formatDateTime(version.submitted_at)}</td>
                <td>{formatDateTime(version.approved_at)}</td>
                <td>{formatDateTime(version.retired_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
