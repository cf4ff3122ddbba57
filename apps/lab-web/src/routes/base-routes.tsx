import { createRootRoute, createRoute, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { AppShell } from '../layout/AppShell.tsx';
import { NotFoundPage, RouteErrorPage } from '../layout/ErrorPages.tsx';
import { RootLayout } from '../layout/RootLayout.tsx';
import { accessToken, restoreSession } from '../session/session-store.ts';

/** The page frame every route sits in: connection banner, error boundary, not-found page. */
export const rootRoute = createRootRoute({
  component: RootLayout,
  notFoundComponent: NotFoundPage,
  errorComponent: RouteErrorPage,
});

const redirectSearch = (search: Record<string, unknown>): { redirect?: string | undefined } => ({
  redirect:
    typeof search.redirect === 'string' && search.redirect.startsWith('/') ? search.redirect : undefined,
});

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: redirectSearch,
  component: lazyRouteComponent(() => import('../pages/auth/SignInPage.tsx'), 'SignInPage'),
});

export const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  component: lazyRouteComponent(() => import('../pages/auth/SetupPage.tsx'), 'SetupPage'),
});

/** Everything behind sign-in: the shell (navigation, user menu, inactivity sign-out). */
export const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ location }) => {
    await restoreSession();
    if (!accessToken()) {
      throw redirect({
        to: '/sign-in',
        search: { redirect: location.href === '/' ? undefined : location.href },
      });
    }
  },
  component: AppShell,
});

export const dashboardRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  component: lazyRouteComponent(() => import('../pages/dashboard/DashboardPage.tsx'), 'DashboardPage'),
});

export const accountRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/account',
  component: lazyRouteComponent(() => import('../pages/auth/AccountPage.tsx'), 'AccountPage'),
});
