import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../../routes/base-routes.tsx';
import { searchOf } from '../../routes/search.ts';

/**
 * The users list's filters. The API answers every account at once (a lab has tens or hundreds, not
 * millions), so these narrow the list in the page; they are in the address all the same.
 */
export const userFilters = ['q', 'status'] as const;

export const adminRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/admin',
  validateSearch: searchOf(userFilters),
  component: lazyRouteComponent(() => import('./UsersPage.tsx'), 'UsersPage'),
});

export const userRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/admin/users/$userId',
  component: lazyRouteComponent(() => import('./UserPage.tsx'), 'UserPage'),
});

export const labsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/admin/labs',
  component: lazyRouteComponent(() => import('./LabsPage.tsx'), 'LabsPage'),
});

export const sitesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/admin/sites',
  component: lazyRouteComponent(() => import('./SitesPage.tsx'), 'SitesPage'),
});

export const jobsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/admin/jobs',
  component: lazyRouteComponent(() => import('./JobsPage.tsx'), 'JobsPage'),
});

export const adminRoutes = [adminRoute, userRoute, labsRoute, sitesRoute, jobsRoute] as const;
