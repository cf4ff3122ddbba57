import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../../routes/base-routes.tsx';
import { searchOf } from '../../routes/search.ts';

/** The trail's filters: every filter `GET /api/compliance/audit` has. */
export const auditFilters = ['actor', 'action', 'entity_type', 'entity_id', 'from', 'to'] as const;

export const auditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/audit',
  validateSearch: searchOf(auditFilters),
  component: lazyRouteComponent(() => import('./AuditPage.tsx'), 'AuditPage'),
});

export const signatureRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/signatures/$signatureId',
  component: lazyRouteComponent(() => import('./SignaturePage.tsx'), 'SignaturePage'),
});

export const auditRoutes = [auditRoute, signatureRoute] as const;
