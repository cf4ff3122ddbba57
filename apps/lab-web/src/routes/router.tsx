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

export const router = createRouter({ routeTree, defaultPreload: 'intent', scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
