import { createRouter } from '@tanstack/react-router';
import { adminRoutes } from '../pages/admin/admin.routes.ts';
import { auditRoutes } from '../pages/audit/audit.routes.ts';
import { instrumentRoutes } from '../pages/instruments/instruments.routes.ts';
import { inventoryRoutes } from '../pages/inventory/inventory.routes.ts';
import { runRoutes } from '../pages/runs/runs.routes.ts';
import { sampleRoutes } from '../pages/samples/samples.routes.ts';
import { workflowRoutes } from '../pages/workflows/workflows.routes.ts';
import {
  accountRoute,
  appRoute,
  dashboardRoute,
  rootRoute,
  setupRoute,
  signInRoute,
} from './base-routes.tsx';

const routeTree = rootRoute.addChildren([
  signInRoute,
  setupRoute,
  appRoute.addChildren([
    dashboardRoute,
    accountRoute,
    ...sampleRoutes,
    ...inventoryRoutes,
    ...instrumentRoutes,
    ...workflowRoutes,
    ...runRoutes,
    ...auditRoutes,
    ...adminRoutes,
  ]),
]);

/**
 * Every search parameter of every route is a string (`routes/search.ts`): written and read as a
 * person would type them (`?version=2`), not JSON-quoted as the router does by default
 * (`?version=%222%22`), so addresses stay readable when shared or bookmarked.
 */
function parseSearch(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const router = createRouter({
  routeTree,
  parseSearch,
  stringifySearch,
  defaultPreload: 'intent',
  scrollRestoration: true,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
