import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { api, data } from '../../api/client.ts';
import { ErrorNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { readableCode } from '../../format/text.ts';
import { useMe } from '../../session/use-me.ts';

/** One figure of a card: what it counts (a link to the list), and how many; alarming ones stand out. */
function Figure({ count, alarming, children }: { count: number; alarming?: boolean; children: ReactNode }) {
  return (
    <li className={alarming && count > 0 ? 'attention' : undefined}>
      {children}
      <span>{count.toLocaleString()}</span>
    </li>
  );
}

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
                <Figure key={status} count={count}>
                  <Link to="/samples" search={{ status }}>
                    {status}
                  </Link>
                </Figure>
              ))}
            </ul>
          </section>
        )}
        {inventory && (
          <section className="card" aria-labelledby="inventory-heading">
            <h2 id="inventory-heading">Inventory</h2>
            <ul className="figure-list">
              <Figure count={inventory.low_stock} alarming>
                <Link to="/inventory" search={{ view: 'low-stock' }}>
                  Low stock items
                </Link>
              </Figure>
              <Figure count={inventory.expiring} alarming>
                <Link to="/inventory" search={{ view: 'expiring' }}>
                  Lots expiring soon
                </Link>
              </Figure>
              <Figure count={inventory.expired} alarming>
                <Link to="/inventory" search={{ view: 'expired' }}>
                  Expired lots with stock
                </Link>
              </Figure>
            </ul>
          </section>
        )}
        {calibration && (
          <section className="card" aria-labelledby="calibration-heading">
            <h2 id="calibration-heading">Calibration</h2>
            <ul className="figure-list">
              <Figure count={calibration.overdue} alarming>
                <Link to="/instruments" search={{ view: 'overdue' }}>
                  Overdue
                </Link>
              </Figure>
              <Figure count={calibration.due_soon}>
                <Link
                  to="/instruments"
                  search={{ view: 'upcoming', days: String(calibration.due_soon_days) }}
                >
                  Due in {calibration.due_soon_days} days
                </Link>
              </Figure>
              <Figure count={calibration.failed} alarming>
                <Link to="/instruments" search={{ calibration_state: 'failed', in_service: 'true' }}>
                  Failed, still in service
                </Link>
              </Figure>
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
                <Figure key={status} count={count}>
                  <Link to="/runs" search={{ status }}>
                    {readableCode(status)}
                  </Link>
                </Figure>
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
