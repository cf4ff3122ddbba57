import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../../routes/base-routes.tsx';

export const workflowsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/workflows',
  component: lazyRouteComponent(() => import('./WorkflowsPage.tsx'), 'WorkflowsPage'),
});

export const newWorkflowRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/workflows/new',
  component: lazyRouteComponent(() => import('./NewWorkflowPage.tsx'), 'NewWorkflowPage'),
});

export const workflowRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/workflows/$name',
  component: lazyRouteComponent(() => import('./WorkflowPage.tsx'), 'WorkflowPage'),
});

export const workflowVersionRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/workflows/$name/versions/$version',
  component: lazyRouteComponent(() => import('./WorkflowVersionPage.tsx'), 'WorkflowVersionPage'),
});

export const workflowRoutes = [
  workflowsRoute,
  newWorkflowRoute,
  workflowRoute,
  workflowVersionRoute,
] as const;
