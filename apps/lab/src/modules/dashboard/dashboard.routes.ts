import { errorResponses, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { Nullable, Uuid } from '../shared/schema.ts';
import { dashboardFor } from './dashboard.service.ts';

const Counts = Type.Record(Type.String(), Type.Integer());
const Timestamp = Type.String({ format: 'date-time' });

const Dashboard = Type.Object({
  samples: Nullable(Type.Object({ total: Type.Integer(), by_status: Counts })),
  inventory: Nullable(
    Type.Object({ low_stock: Type.Integer(), expiring: Type.Integer(), expired: Type.Integer() }),
  ),
  calibration: Nullable(
    Type.Object({
      overdue: Type.Integer(),
      due_soon: Type.Integer(),
      due_soon_days: Type.Integer(),
      failed: Type.Integer({ description: 'in service with a failed last calibration' }),
    }),
  ),
  runs: Nullable(Type.Object({ open: Type.Integer(), by_status: Counts })),
  audit: Nullable(
    Type.Object({
      last_checkpoint: Nullable(Type.Object({ seq: Type.Integer(), signed_at: Timestamp })),
      last_verification: Nullable(
        Type.Object({
          status: Type.String(),
          finished_at: Nullable(Timestamp),
          error: Nullable(Type.String()),
        }),
      ),
    }),
  ),
  my_approvals: Type.Object({
    workflow_versions: Type.Array(
      Type.Object({
        workflow: Type.String(),
        version: Type.Integer(),
        lab_id: Uuid,
        submitted_at: Nullable(Timestamp),
      }),
    ),
    run_steps: Type.Array(
      Type.Object({
        run_id: Uuid,
        lab_id: Uuid,
        workflow: Type.String(),
        step_id: Type.String(),
        approver_role: Type.String(),
        waiting_since: Timestamp,
      }),
    ),
  }),
});

/** `GET /api/dashboard`: the start page's figures for the signed-in user. */
export async function dashboardRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.get(
    '/api/dashboard',
    {
      config: { access: 'authenticated' },
      schema: {
        operationId: 'getDashboard',
        tags: ['dashboard'],
        security: [{ bearerAuth: [] }],
        summary:
          'Figures of my labs (samples by status, inventory alerts, calibrations due, open runs, the audit chain) and my pending approvals',
        description:
          'Each section is null for a user who may not read what it counts; approvals list submitted workflow versions someone else wrote (workflows:approve) and runs waiting at an approval step my role signs.',
        response: { 200: Dashboard, ...errorResponses(401, 429) },
      },
    },
    async (request) => dashboardFor(ctx, request.principal),
  );
}
