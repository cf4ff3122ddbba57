import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../../api/client.ts';
import type { GetReply } from '../../api/types.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../format/dates.ts';
import { AdminNav } from './AdminNav.tsx';
import './admin.css';
import { readableCode } from '../../format/text.ts';

type Overview = GetReply<'/api/admin/jobs'>;
type JobRun = Overview['recent'][number];
type JobName = Overview['schedules'][number]['name'];

const statusBadge = { success: 'badge-ok', failed: 'badge-danger', running: 'badge-info' } as const;

/** The lab's scheduled jobs: when each runs next, how its runs went, and a run on demand. */
export function JobsPage() {
  const queryClient = useQueryClient();
  const jobs = useQuery({
    queryKey: ['admin', 'jobs'],
    queryFn: () => data(api.GET('/api/admin/jobs')),
    refetchInterval: 5_000,
  });
  const run = useMutation({
    mutationFn: (name: JobName) =>
      data(api.POST('/api/admin/jobs/{name}/run', { params: { path: { name } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['admin', 'jobs'] }),
  });
  return (
    <>
      <PageHeader title="Jobs" subtitle="Scheduled work: audit checkpoints and inventory alerts." />
      <AdminNav />
      {jobs.isPending ? (
        <Loading />
      ) : jobs.isError ? (
        <ErrorNotice error={jobs.error} />
      ) : (
        <>
          {!jobs.data.workers && (
            <InfoNotice tone="warning">
              No instance of this lab works jobs: a run asked for now waits until one does.
            </InfoNotice>
          )}
          {run.data && <InfoNotice tone="success">The run is queued; it starts within seconds.</InfoNotice>}
          <ErrorNotice error={run.error} />
          <section className="card" aria-labelledby="schedules-heading">
            <h2 id="schedules-heading">Schedules</h2>
            <div className="table-wrap">
              <table className="data" aria-label="Job schedules">
                <thead>
                  <tr>
                    <th scope="col">Job</th>
                    <th scope="col">Schedule ({jobs.data.time_zone})</th>
                    <th scope="col">Next runs</th>
                    <th scope="col">Last run</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {jobs.data.schedules.map((schedule) => {
                    const last = jobs.data.latest.find((candidate) => candidate.name === schedule.name);
                    return (
                      <tr key={schedule.name}>
                        <td>
                          <strong>{schedule.name}</strong>
                        </td>
                        <td>
                          <code>{schedule.cron}</code>
                        </td>
                        <td>{schedule.next.map((next) => formatDateTime(next)).join('; ')}</td>
                        <td>{last ? <RunSummary run={last} /> : 'never'}</td>
                        <td className="compact">
                          <Button
                            onPress={() => run.mutate(schedule.name)}
                            isDisabled={run.isPending}
                            aria-label={`Run now: ${schedule.name}`}
                          >
                            Run now
                          </Button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card" aria-labelledby="runs-heading">
            <h2 id="runs-heading">Recent runs</h2>
            {jobs.data.recent.length === 0 ? (
              <p>No run yet.</p>
            ) : (
              <div className="table-wrap">
                <table className="data" aria-label="Recent job runs, newest first">
                  <thead>
                    <tr>
                      <th scope="col">Job</th>
                      <th scope="col">Trigger</th>
                      <th scope="col">Status</th>
                      <th scope="col">Started</th>
                      <th scope="col">Finished</th>
                      <th scope="col">Outcome</th>
                    </tr>
                  </thead>
                  <tbody>
                    {jobs.data.recent.map((jobRun) => (
                      <tr key={jobRun.id}>
                        <td>{jobRun.name}</td>
                        <td>{jobRun.trigger}</td>
                        <td>
                          <span className={`badge ${statusBadge[jobRun.status]}`}>{jobRun.status}</span>
                        </td>
                        <td>{formatDateTime(jobRun.started_at)}</td>
                        <td>{formatDateTime(jobRun.finished_at)}</td>
                        <td>
                          {jobRun.error ? <span className="attention">{jobRun.error}</span> : outcome(jobRun)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}

function RunSummary({ run }: { run: JobRun }) {
  return (
    <>
      <span className={`badge ${statusBadge[run.status]}`}>{run.status}</span>{' '}
      {formatDateTime(run.started_at)}
    </>
  );
}

/** A run's details (what it did) in one line: "checkpoint_seq 1000, verified 1000". */
function outcome(run: JobRun): string {
  return Object.entries(run.details)
    .map(
      ([key, value]) =>
        `${readableCode(key)} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
    )
    .join(', ');
}
