import { AppError, ValidationError } from '@ours/platform/errors';
import { createSseWriter, errorResponses, type RouteScope } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { readInLabs } from '../sites/index.ts';
import { createRunEventHub, type RunEventHub } from './run-event-feed.ts';
import { lastRunEventSeq } from './run-events.repository.ts';
import { finalStatuses } from './run-transitions.ts';
import { EventsQuery, RunEventStream, RunParams } from './runs.schema.ts';
import { visibleRun } from './runs.service.ts';

/** A comment every 15 s keeps proxies and load balancers from closing a quiet stream. */
const keepAliveMs = 15_000;
/** Open streams one instance serves at most (each holds a socket and a little memory). */
const maxStreams = 2_000;

/** The event number a client resumes after: Last-Event-ID (what EventSource sends) or `?after=`. */
function resumeAfter(header: string | string[] | undefined, after: number | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return after ?? 0;
  if (!/^\d{1,15}$/.test(value.trim())) {
    throw new ValidationError(
      'invalid_last_event_id',
      'Last-Event-ID must be an event number from this stream',
    );
  }
  return Number(value.trim());
}

/** `GET /api/runs/:id/events`: a run's live progress as Server-Sent Events, resumable. */
export function runEventRoutes(app: RouteScope, ctx: LabContext): RunEventHub {
  const hub = createRunEventHub(ctx.db, app.log);
  // Before in-flight requests are waited for: an open stream would hold the shutdown up.
  app.addHook('preClose', () => hub.stop());

  app.get(
    '/api/runs/:id/events',
    {
      config: { access: 'runs:read' },
      schema: {
        operationId: 'streamRunEvents',
        tags: ['runs'],
        security: [{ bearerAuth: [] }],
        summary: "A run's live progress as Server-Sent Events, resumable with Last-Event-ID",
        description:
          'Sends every event after Last-Event-ID (or `after`), then live ones from whichever server runs the run, and ends after the event of an end state (completed, failed, aborted). 204 when the run has ended and nothing is left to send (EventSource then stops reconnecting).',
        params: RunParams,
        querystring: EventsQuery,
        response: {
          200: RunEventStream,
          204: { description: 'The run has ended and every event was sent', type: 'null' },
          ...errorResponses(400, 401, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const after = resumeAfter(request.headers['last-event-id'], request.query.after);
      if (hub.subscriberCount() >= maxStreams) {
        throw new AppError(
          503,
          'too_many_streams',
          'This server follows as many runs as it can; try again shortly',
          {
            headers: { 'retry-after': '5' },
          },
        );
      }
      const labIds = request.principal.lab_ids;
      const run = await visibleRun(ctx, request.principal, request.params.id);
      if (
        finalStatuses.has(run.status) &&
        after >= (await lastRunEventSeq(readInLabs(ctx.db, labIds), run.id))
      ) {
        return reply.code(204).send(null);
      }
      const stream = createSseWriter(reply, { retryMs: 2_000 });
      let unsubscribe = () => {};
      const keepAlive = setInterval(() => stream.comment('keep-alive'), keepAliveMs);
      keepAlive.unref();
      const close = () => {
        clearInterval(keepAlive);
        unsubscribe();
        stream.end();
      };
      request.raw.on('close', close);
      // The headers now: a client sees the stream open even before the first event.
      stream.comment('connected');
      unsubscribe = await hub.subscribe(run.id, labIds, after, {
        deliver(events) {
          if (stream.closed) return;
          stream.raw(events.map((event) => event.frame).join(''));
          if (events.some((event) => event.final)) close();
        },
        end: close,
      });
      if (stream.closed) unsubscribe();
      return reply;
    },
  );
  return hub;
}
