import { SpanKind } from '@opentelemetry/api';
import { inSpan } from './spans.ts';

/** What a job run's span says about the queued job (pg-boss's metadata; never its data). */
export interface QueuedJobMetadata {
  id: string;
  retryCount?: number;
  createdOn?: Date | string;
}

/** How long the job waited, when its queue time is a time (tracing must never fail a job). */
function queuedFor(createdOn: Date | string | undefined): { 'job.queued_ms'?: number } {
  const at = createdOn === undefined ? Number.NaN : new Date(createdOn).getTime();
  return Number.isFinite(at) ? { 'job.queued_ms': Math.max(0, Date.now() - at) } : {};
}

/**
 * One run of a queued job in a span of its own trace (`job <name>`, kind consumer): the job's name
 * and id, the attempt, how long it waited in the queue and its outcome (`completed`, or `failed`
 * with the error's type). Its database statements and model calls nest under it. The job's data
 * is not recorded.
 */
export function traceJobRun<T>(name: string, job: QueuedJobMetadata, run: () => Promise<T>): Promise<T> {
  return inSpan(
    `job ${name}`,
    {
      kind: SpanKind.CONSUMER,
      root: true,
      attributes: {
        'job.name': name,
        'job.id': job.id,
        'job.attempt': (job.retryCount ?? 0) + 1,
        ...queuedFor(job.createdOn),
        'messaging.system': 'pg-boss',
        'messaging.destination.name': name,
        'messaging.operation.type': 'process',
      },
    },
    async (span) => {
      try {
        const result = await run();
        span?.setAttribute('job.outcome', 'completed');
        return result;
      } catch (error) {
        span?.setAttribute('job.outcome', 'failed');
        throw error;
      }
    },
  );
}
