import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../../routes/base-routes.tsx';
import { searchOf } from '../../routes/search.ts';

/**
 * `lab_id` says which lab's workflow is meant, for a person in several labs (a name is unique in
 * a lab, not across labs: the API answers 409 ambiguous_workflow without it).
 */
const labSearch = searchOf(['lab_id'] as const);

export const workflowsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/workflows',
  validateSearch: labSearch,
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
  validateSearch: labSearch,
  component: lazyRouteComponent(() => import('./WorkflowPage.tsx'), 'WorkflowPage'),
});

export const workflowVersionRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/workflows/$name/versions/$version',
  validateSearch: labSearch,
  component: lazyRouteComponent(() => import('./WorkflowVersionPage.tsx'), 'WorkflowVersionPage'),
});

export const workflowRoutes = [
  workflowsRoute,
  newWorkflowRoute,
  workflowRoute,
  workflowVersionRoute,
] as const;
