// SSE subscribers in a process of their own (so their parsing is not charged to the lab server):
// each reads GET /api/runs/:id/events over real HTTP, as EventSource would, and stamps every event
// with the wall clock when its bytes arrived. The parent sends { url, token, subscribers, gate,
// timeoutMs }; this process answers { ready } once every subscriber has seen the gate state, then
// { done } with what each received.
import { isoMs, wallMs } from './run-clock.ts';

export interface SubscriberJob {
  url: string;
  token: string;
  subscribers: number;
  /** The run status after which events are live (earlier ones are the backlog). */
  gate: string;
  timeoutMs: number;
}

export interface SubscriberReport {
  seqs: number[];
  ended: boolean;
  error: string | null;
}

export interface SubscribersDone {
  done: true;
  reports: SubscriberReport[];
  /** Receive time − event `at`, ms, for every live event of every subscriber. */
  latencies: number[];
  /** The same for `data` events only (a spectrum's 1024 values travel with each). */
  dataLatencies: number[];
}

async function subscribe(
  job: SubscriberJob,
  signal: AbortSignal,
  gated: () => void,
  out: Pick<SubscribersDone, 'latencies' | 'dataLatencies'>,
): Promise<SubscriberReport> {
  const report: SubscriberReport = { seqs: [], ended: false, error: null };
  let live = false;
  try {
    const response = await fetch(job.url, { headers: { authorization: `Bearer ${job.token}` }, signal });
    if (response.status !== 200 || !response.body) throw new Error(`status ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      const received = wallMs();
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const dataLine = frame.split('\n').find((line) => line.startsWith('data:'));
        if (!dataLine) continue;
        const event = JSON.parse(dataLine.slice(5)) as { seq: number; at: string; status?: string };
        const type = /^event: (\w+)$/m.exec(frame)?.[1];
        report.seqs.push(event.seq);
        if (live) {
          const latency = received - isoMs(event.at);
          out.latencies.push(latency);
          if (type === 'data') out.dataLatencies.push(latency);
        } else if (type === 'state' && event.status === job.gate) {
          live = true;
          gated();
        }
      }
    }
    report.ended = true;
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
  }
  return report;
}

process.once('message', async (job: SubscriberJob) => {
  const out = { latencies: [] as number[], dataLatencies: [] as number[] };
  const signal = AbortSignal.timeout(job.timeoutMs);
  let waiting = job.subscribers;
  const gated = () => {
    waiting -= 1;
    if (waiting === 0) process.send?.({ ready: true });
  };
  const reports = await Promise.all(
    Array.from({ length: job.subscribers }, () => subscribe(job, signal, gated, out)),
  );
  const done: SubscribersDone = { done: true, reports, ...out };
  process.send?.(done, () => process.exit(0));
});
