import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from './support/lab-app.ts';
import { useRunLab, withoutApproval } from './support/run-fixtures.ts';
import { type ReceivedEvent, readEventStream } from './support/sse-client.ts';

const { lab, accounts, api, definition, approvedWorkflow, instruments, runIn, startedRun } = useRunLab();
let base: string;
let peer: Awaited<ReturnType<typeof lab.peer>>;

beforeAll(async () => {
  await lab.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(lab.app.server.address() as AddressInfo).port}`;
  peer = await lab.peer();
});
afterAll(async () => {
  await peer?.close();
});

const seqs = (events: ReceivedEvent[]) => events.map((event) => Number(event.id));
const isEnd = (event: ReceivedEvent) =>
  event.event === 'state' && ['completed', 'failed', 'aborted'].includes(String(event.data.status));

describe('live run events (Server-Sent Events)', () => {
  it('streams a run as it goes and resumes after Last-Event-ID with nothing lost or repeated', async () => {
    const workflow = await approvedWorkflow(definition());
    const created = (
      await api('POST', '/api/runs', accounts.scientist, { workflow, devices: await instruments() })
    ).json();
    const url = `${base}/api/runs/${created.id}/events`;
    const first = await readEventStream(url, bearer(accounts.scientist.token), {
      until: (event) => event.event === 'state' && event.data.status === 'waiting_for_approval',
    });
    expect(first.status).toBe(200);
    expect(first.contentType).toBe('text/event-stream; charset=utf-8');
    expect(first.events[0]).toMatchObject({
      id: '1',
      event: 'state',
      data: { status: 'created', from: null },
    });
    expect(first.events[1]).toMatchObject({ event: 'state', data: { status: 'running', from: 'created' } });
    expect(first.events.find((event) => event.event === 'step_started')?.data).toMatchObject({
      run_id: created.id,
      step_id: 'bias',
      type: 'instrument',
      path: '/steps/0',
    });
    const spectra = first.events.filter((event) => event.event === 'data' && event.data.kind === 'spectrum');
    expect(spectra.length).toBeGreaterThan(0);
    expect(spectra.at(-1)?.data).toMatchObject({ points: 1024, start_nm: 400, step_id: 'acquire' });
    expect(spectra.at(-1)?.data.peak_nm).toEqual(expect.any(Number));

    const last = first.events.at(-1)?.id ?? '';
    const signed = await api('POST', `/api/runs/${created.id}/approvals/review`, accounts.admin, {
      password: accounts.admin.password,
      reason: 'peak checked',
    });
    expect(signed.statusCode, signed.body).toBe(200);
    const rest = await readEventStream(url, { ...bearer(accounts.scientist.token), 'last-event-id': last });
    expect(rest.endedByServer).toBe(true);
    expect(rest.events.at(-1)).toMatchObject({ event: 'state', data: { status: 'completed' } });
    const all = [...first.events, ...rest.events];
    expect(seqs(all)).toEqual(all.map((_, index) => index + 1));
    expect(
      all.filter((event) => event.event === 'step_finished').map((event) => event.data.step_id),
    ).toContain('review');

    // A backlog read whole sends the values of its latest spectrum only.
    const replay = await readEventStream(url, bearer(accounts.scientist.token));
    expect(seqs(replay.events)).toEqual(seqs(all));
    const replayed = replay.events.filter(
      (event) => event.event === 'data' && event.data.kind === 'spectrum',
    );
    expect(replayed.at(-1)?.data.values).toHaveLength(1024);
    expect(replayed.slice(0, -1).every((event) => event.data.values === undefined)).toBe(true);

    // Everything sent and the run ended: 204, which tells EventSource to stop reconnecting.
    const done = await readEventStream(url, {
      ...bearer(accounts.scientist.token),
      'last-event-id': String(all.length),
    });
    expect(done.status).toBe(204);
  });

  it('delivers the events of a run executing on another instance, live', async () => {
    const started = await startedRun(withoutApproval, peer.app);
    const stream = await readEventStream(
      `${base}/api/runs/${started.id}/events`,
      bearer(accounts.scientist.token),
      {
        timeoutMs: 20_000,
      },
    );
    expect(stream.endedByServer).toBe(true);
    expect(stream.events.at(-1)).toSatisfy(isEnd);
    expect(stream.events.at(-1)?.data.status).toBe('completed');
    expect(seqs(stream.events)).toEqual(stream.events.map((_, index) => index + 1));
    const live = stream.events.filter((event) => event.event === 'data' && event.data.kind === 'spectrum');
    // Frames that arrived live carry their values.
    expect(live.some((event) => Array.isArray(event.data.values))).toBe(true);
  });

  it('ends its open streams when the server stops, so they do not hold the shutdown up', async () => {
    const other = await lab.peer();
    await other.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (other.app.server.address() as AddressInfo).port;
    const { id } = await startedRun(undefined, other.app);
    await runIn(id, ['waiting_for_approval']);
    let opened = false;
    const reading = readEventStream(
      `http://127.0.0.1:${port}/api/runs/${id}/events`,
      bearer(accounts.scientist.token),
      {
        until: () => {
          opened = true;
          return false;
        },
        timeoutMs: 20_000,
      },
    );
    while (!opened) await new Promise((resolve) => setTimeout(resolve, 20));
    const stopping = Date.now();
    await other.close();
    expect(Date.now() - stopping).toBeLessThan(5_000);
    const stream = await reading;
    expect(stream.endedByServer).toBe(true);
    expect(stream.events.at(-1)?.data.status).toBe('waiting_for_approval');
  });

  it('refuses a bad Last-Event-ID, a run of another lab, and a reader without runs:read', async () => {
    const workflow = await approvedWorkflow(definition(withoutApproval));
    const created = (
      await api('POST', '/api/runs', accounts.scientist, { workflow, devices: await instruments() })
    ).json();
    await runIn(created.id, ['completed']);
    const url = `/api/runs/${created.id}/events`;
    const bad = await lab.app.inject({
      method: 'GET',
      url,
      headers: { ...bearer(accounts.scientist.token), 'last-event-id': 'abc' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_last_event_id');
    const badQuery = await api('GET', `${url}?after=-1`, accounts.scientist);
    expect(badQuery.statusCode).toBe(400);
    const { account: stranger } = await lab.outsider(['scientist']);
    expect((await api('GET', url, stranger)).statusCode).toBe(404);
    const nobody = await lab.user([]);
    expect((await api('GET', url, nobody)).statusCode).toBe(403);
    expect((await api('GET', '/api/runs/not-a-uuid/events', accounts.scientist)).statusCode).toBe(400);
  });
});
