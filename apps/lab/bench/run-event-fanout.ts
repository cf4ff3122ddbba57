import { fork } from 'node:child_process';
import { once } from 'node:events';
import { lastRunEventSeq } from '../src/modules/runs/run-events.repository.ts';
import { readInLabs } from '../src/modules/sites/index.ts';
import { cpuMeter } from './cpu-meter.ts';
import { type Latency, summarise } from './lab-client.ts';
import type { RunBenchLab } from './run-bench-lab.ts';
import type { SubscriberJob, SubscribersDone } from './run-event-subscribers.process.ts';
import { gatedSpectra } from './run-workflows.ts';

export interface EventFanout {
  subscribers: number;
  seconds: number;
  /** Events the run wrote (its last event number). */
  events: number;
  /** Subscribers that received every event, 1..last, in order, once each, and saw the stream end. */
  complete: number;
  deliveries: number;
  /** Receive time − the event's `at`, every live event of every subscriber. */
  latency: Latency;
  dataLatency: Latency;
  /** In cores: the lab process, the subscribers' process, the rest (PostgreSQL mostly). */
  cpu: { lab: number; subscribers: number; rest: number };
}

/**
 * One run streaming spectra for `seconds` to `subscribers` SSE clients over real HTTP (the lab
 * listening on 127.0.0.1 in this process, the clients in a child process). The run first waits for
 * a signature so every client is connected and past its backlog before the spectra start; the
 * latencies are those of the events after that.
 */
export async function measureEventFanout(
  lab: RunBenchLab,
  options: { subscribers: number; seconds: number; acquisitionS: number },
): Promise<EventFanout> {
  const workflow = await lab.approvedWorkflow(gatedSpectra(options.seconds));
  const raman = await lab.device('sim-raman', { acquisition_s: options.acquisitionS, seed: 7 });
  const run = await lab.api<{ id: string }>('POST', '/api/runs', lab.scientist, {
    workflow,
    devices: { raman },
  });
  await lab.runReaches(run.id, ['waiting_for_approval'], 10_000);
  const base = await lab.listen();

  const child = fork(new URL('./run-event-subscribers.process.ts', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const job: SubscriberJob = {
      url: `${base}/api/runs/${run.id}/events`,
      token: lab.scientist.token,
      subscribers: options.subscribers,
      gate: 'waiting_for_approval',
      timeoutMs: options.seconds * 1000 + 60_000,
    };
    const messages: unknown[] = [];
    child.on('message', (message) => messages.push(message));
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`the subscribers' process exited with ${code}`);
    });
    exited.catch(() => {});
    const next = async () => {
      while (messages.length === 0) await Promise.race([once(child, 'message'), exited]);
      return messages.shift() as { ready?: boolean } & Partial<SubscribersDone>;
    };
    child.send(job);
    const ready = await next();
    if (!ready.ready) throw new Error('the subscribers did not all connect');
    const cpu = cpuMeter(child.pid ?? 0);
    await lab.api(
      'POST',
      `/api/runs/${run.id}/approvals/go`,
      lab.admin,
      { password: lab.admin.password, reason: 'start streaming' },
      200,
    );
    const done = (await next()) as SubscribersDone;
    const used = cpu();
    const events = await lastRunEventSeq(readInLabs(lab.ctx.db, lab.labIds), run.id);
    const complete = done.reports.filter(
      (report) =>
        report.ended &&
        report.error === null &&
        report.seqs.length === events &&
        report.seqs.every((seq, index) => seq === index + 1),
    ).length;
    return {
      subscribers: options.subscribers,
      seconds: options.seconds,
      events,
      complete,
      deliveries: done.reports.reduce((sum, report) => sum + report.seqs.length, 0),
      latency: summarise(done.latencies, options.seconds),
      dataLatency: summarise(done.dataLatencies, options.seconds),
      cpu: { lab: used.bench, subscribers: used.server, rest: used.rest },
    };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
