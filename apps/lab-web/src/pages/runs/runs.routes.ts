import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../../routes/base-routes.tsx';
import { searchOf } from '../../routes/search.ts';

/** Run history, filtered by state; with `sample`, the runs one sample went through. */
export const runsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/runs',
  validateSearch: searchOf(['status', 'sample'] as const),
  component: lazyRouteComponent(() => import('./RunsPage.tsx'), 'RunsPage'),
});

/** Starting a run, optionally for a given workflow version and samples (from a sample's page). */
export const startRunRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/runs/new',
  validateSearch: searchOf(['workflow', 'version', 'sample'] as const),
  component: lazyRouteComponent(() => import('./StartRunPage.tsx'), 'StartRunPage'),
});

export const runRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/runs/$runId',
  component: lazyRouteComponent(() => import('./RunPage.tsx'), 'RunPage'),
});

export const runRoutes = [runsRoute, startRunRoute, runRoute] as const;
