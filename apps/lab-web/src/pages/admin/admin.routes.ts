import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../../routes/base-routes.tsx';

export const adminRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/admin',
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

export const adminRoutes = [adminRoute, userRoute, labsRoute, sitesRoute] as const;
