import { errorResponses, type RouteScope } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { DemoDataReply } from './demo.schema.ts';
import { demoDataFor } from './demo-data.service.ts';

/** Demo data on a running lab, so nobody has to stop the server to fill it: users:manage (admins). */
export async function demoRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.post(
    '/api/admin/demo-data',
    {
      config: { access: 'users:manage' },
      schema: {
        operationId: 'addDemoData',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        summary:
          'Fill the main lab with demo data and the approved demo workflow (201), or do nothing if it is there already (200)',
        description:
          'The answer to the request that added it carries the demo approver’s generated password, once. 409 demo_approver_role when the compliance role no longer holds workflows:approve.',
        response: { 200: DemoDataReply, 201: DemoDataReply, ...errorResponses(401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const outcome = await demoDataFor(ctx, request.principal, actorOf(request));
      return reply.code(outcome.added ? 201 : 200).send(outcome);
    },
  );
}
