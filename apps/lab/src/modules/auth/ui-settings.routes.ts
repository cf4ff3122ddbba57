import { errorResponses, type RouteScope } from '@ours/platform/http';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { setupRequired } from '../accounts/setup.service.ts';

const UiSettings = Type.Object(
  {
    setup_required: Type.Boolean({
      description: 'No account exists yet: the first administrator is created with the setup token',
    }),
    idle_timeout_s: Type.Integer({ description: 'A browser session ends after this long without activity' }),
    idle_warning_s: Type.Integer({ description: 'How long before that sign-out the UI warns' }),
  },
  { additionalProperties: false },
);

/**
 * `GET /auth/settings`: what the web UI must know before anyone signs in: whether this is a first
 * run, and the inactivity sign-out it enforces (LAB_UI_IDLE_MINUTES). Public, and says nothing about
 * any account.
 */
export async function uiSettingsRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.get(
    '/auth/settings',
    {
      config: { access: 'public' as const },
      onRequest: async (request) => app.limitAnonymous(request, request.ip),
      schema: {
        operationId: 'getUiSettings',
        tags: ['auth'],
        security: [],
        summary: 'Settings the web UI needs before sign-in (first run, inactivity sign-out)',
        response: { 200: UiSettings, ...errorResponses(429) },
      },
    },
    async () => ({
      setup_required: await setupRequired(ctx),
      idle_timeout_s: ctx.config.ui.idleMinutes * 60,
      idle_warning_s: Math.min(60, ctx.config.ui.idleMinutes * 30),
    }),
  );
}
