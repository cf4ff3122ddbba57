import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { useMe } from '../../session/use-me.ts';

/** The start page: the lab's real figures, each shown to whoever may read that part. */
export function DashboardPage() {
  const me = useMe();
  const dashboard = useQuery({
    queryKey: ['dashboard'],
    queryFn: () => data(api.GET('/api/dashboard')),
    refetchInterval: 30_000,
  });
  if (dashboard.isPending) return <Loading />;
  if (dashboard.isError) return <ErrorNotice error={dashboard.error} />;
  const { samples, inventory, calibration, runs, audit, my_approvals: approvals } = dashboard.data;
  const pending = approvals.workflow_versions.length + approvals.run_steps.length;
  return (
    <>
      <PageHeader title="Dashboard" subtitle={me.data ? `Signed in as ${me.data.full_name}` : undefined} />
      <div className="card-grid">
        {samples && (
          <section className="card" aria-labelledby="samples-heading">
            <h2 id="samples-heading">Samples</h2>
            <p className="figure">{samples.total.toLocaleString()}</p>
            <ul className="figure-list">
              {Object.entries(samples.by_status).map(([status, count]) => (
                <li key={status}>
                  <Link to="/samples" search={{ status }}>
                    {status}
                  </Link>
                  <span>{count.toLocaleString()}</span>
                </li>
              ))}
            </ul>
          </section>
        )}
        {inventory && (
          <section className="card" aria-labelledby="inventory-heading">
            <h2 id="inventory-heading">Inventory</h2>
            <ul className="figure-list">
              <li className={inventory.low_stock > 0 ? 'attention' : undefined}>
                <Link to="/inventory" search={{ view: 'low-stock' }}>
                  Low stock items
                </Link>
                <span>{inventory.low_stock}</span>
              </li>
              <li className={inventory.expiring > 0 ? 'attention' : undefined}>
                <Link to="/inventory" search={{ view: 'expiring' }}>
                  Lots expiring soon
                </Link>
                <span>{inventory.expiring}</span>
              </li>
              <li className={inventory.expired > 0 ? 'attention' : undefined}>
                <Link to="/inventory" search={{ view: 'expired' }}>
                  Expired lots with stock
                </Link>
                <span>{inventory.expired}</span>
              </li>
            </ul>
          </section>
        )}
        {calibration && (
          <section className="card" aria-labelledby="calibration-heading">
            <h2 id="calibration-heading">Calibration</h2>
            <ul className="figure-list">
              <li className={calibration.overdue > 0 ? 'attention' : undefined}>
                <Link to="/instruments" search={{ view: 'overdue' }}>
                  Overdue
                </Link>
                <span>{calibration.overdue}</span>
              </li>
              <li>
                <Link to="/instruments" search={{ view: 'upcoming', days: String(calibration.due_soon_days) }}>
                  Due in {calibration.due_soon_days} days
                </Link>
                <span>{calibration.due_soon}</span>
              </li>
              <li className={calibration.failed > 0 ? 'attention' : undefined}>
                <Link to="/instruments" search={{ calibration_state: 'failed', in_service: 'true' }}>
                  Failed, still in service
                </Link>
                <span>{calibration.failed}</span>
              </li>
            </ul>
          </section>
        )}
        {runs && (
          <section className="card" aria-labelledby="runs-heading">
            <h2 id="runs-heading">Runs</h2>
            <p className="figure">{runs.open}</p>
            <p className="figure-caption">open (running, paused, waiting or interrupted)</p>
            <ul className="figure-list">
              {Object.entries(runs.by_status).map(([status, count]) => (
                <li key={status}>
                  <Link to="/runs" search={{ status }}>
                    {status.replaceAll('_', ' ')}
                  </Link>
                  <span>{count}</span>
                </li>
              ))}
            </ul>
          </section>
        )}
        {audit && (
          <section className="card" aria-labelledby="audit-heading">
            <h2 id="audit-heading">Audit trail</h2>
            <p>
              Last verification:{' '}
              {audit.last_verification ? (
                <strong className={audit.last_verification.status === 'success' ? 'ok' : 'attention'}>
                  {audit.last_verification.status}
                  {audit.last_verification.finished_at &&
                    ` · ${formatDateTime(audit.last_verification.finished_at)}`}
                </strong>
              ) : (
                'never'
              )}
            </p>
            {audit.last_verification?.error && <p className="attention">{audit.last_verification.error}</p>}
            <p>
              Last signed checkpoint:{' '}
              {audit.last_checkpoint
                ? `entry ${audit.last_checkpoint.seq} · ${formatDateTime(audit.last_checkpoint.signed_at)}`
                : 'none yet'}
            </p>
            <Link to="/audit">Open the audit trail</Link>
          </section>
        )}
        <section className="card" aria-labelledby="approvals-heading">
          <h2 id="approvals-heading">My pending approvals</h2>
          {pending === 0 && <p>Nothing is waiting for you.</p>}
          <ul className="plain-list">
            {approvals.workflow_versions.map((version) => (
              <li key={`${version.workflow}-${version.version}`}>
                <Link
                  to="/workflows/$name/versions/$version"
                  params={{ name: version.workflow, version: String(version.version) }}
                >
                  Workflow {version.workflow} v{version.version}
                </Link>{' '}
                submitted {version.submitted_at ? formatDateTime(version.submitted_at) : ''}
              </li>
            ))}
            {approvals.run_steps.map((step) => (
              <li key={`${step.run_id}-${step.step_id}`}>
                <Link to="/runs/$runId" params={{ runId: step.run_id }}>
                  Run of {step.workflow}: step {step.step_id}
                </Link>{' '}
                waiting since {formatDateTime(step.waiting_since)} (as {step.approver_role})
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}
