import { createSseWriter, errorResponses, type RouteScope } from '@ours/platform/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.ts';
import { AskBody, AskFallback, AskSuccess } from './ask.schema.ts';
import { askCoach } from './ask.service.ts';

const description = `Chat with the coach. The server owns the system prompt and adds the user's own data.
With \`stream: true\` the answer is Server-Sent Events: \`delta\` events ({ text }), then one \`done\` event
carrying the same body as the JSON answer; \`done.reply\` is authoritative (it replaces the streamed text
when the reply was blocked or the model failed mid-way).`;

/** Aborted when the client's connection closes before the reply has been written. */
function disconnectSignal(reply: FastifyReply): AbortSignal {
  const disconnect = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) disconnect.abort();
  });
  return disconnect.signal;
}

/** Streams one answer as SSE; a client that goes away aborts the model call but still gets logged. */
async function streamAnswer(
  ctx: AppContext,
  request: FastifyRequest<{ Body: AskBody }>,
  reply: FastifyReply,
) {
  const sse = createSseWriter(reply);
  const signal = disconnectSignal(reply);
  let streamed = false;
  let outcome: Awaited<ReturnType<typeof askCoach>>;
  try {
    outcome = await askCoach(ctx, {
      user: request.user,
      body: request.body,
      signal,
      log: request.log,
      onDelta: (text) => {
        streamed = true;
        sse.send('delta', { text });
      },
    });
  } catch (error) {
    // Before the first event the normal error reply still works; after it, close the stream properly.
    if (!sse.started) throw error;
    request.log.error({ err: error }, 'streamed answer failed');
    sse.send('error', {
      code: 'internal_error',
      message: 'The answer could not be completed',
      request_id: request.id,
    });
    return sse.end();
  }
  if (outcome.kind === 'disconnected') return sse.end();
  if (!streamed) sse.send('delta', { text: outcome.result.reply });
  sse.send('done', outcome.result);
  sse.end();
}

export async function askRoutes(app: RouteScope, ctx: AppContext): Promise<void> {
  app.post(
    '/ask',
    {
      schema: {
        tags: ['coach'],
        summary: 'Ask the coach',
        operationId: 'askCoach',
        description,
        security: [{ bearerAuth: [] }],
        body: AskBody,
        // 409 `account_reset`: the account was erased by another instance mid-request; retry.
        response: {
          200: Type.Union([AskSuccess, AskFallback]),
          ...errorResponses(400, 401, 403, 409, 413, 415, 429),
        },
      },
      config: { userRateLimit: { name: 'ask', perMinute: ctx.config.rateLimits.askPerMinute } },
    },
    async (request, reply) => {
      if (request.body.stream) return streamAnswer(ctx, request, reply);
      // A client that gives up stops the model too, and the row records the disconnect.
      const outcome = await askCoach(ctx, {
        user: request.user,
        body: request.body,
        signal: disconnectSignal(reply),
        log: request.log,
      });
      return outcome.kind === 'answered' ? outcome.result : reply;
    },
  );
}
