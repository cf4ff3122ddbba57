import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../../routes/base-routes.tsx';
import { searchOf } from '../../routes/search.ts';

/** The sample list's filters: every filter `GET /api/samples` has. */
export const sampleFilters = [
  'status',
  'project_id',
  'batch_id',
  'container_id',
  'sample_type',
  'q',
  'created_from',
  'created_to',
  'include_deleted',
  'lab_id',
] as const;

export const samplesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/samples',
  validateSearch: searchOf(sampleFilters),
  component: lazyRouteComponent(() => import('./SamplesPage.tsx'), 'SamplesPage'),
});

export const registerSamplesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/samples/new',
  component: lazyRouteComponent(() => import('./RegisterSamplesPage.tsx'), 'RegisterSamplesPage'),
});

export const importSamplesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/samples/import',
  component: lazyRouteComponent(() => import('./ImportSamplesPage.tsx'), 'ImportSamplesPage'),
});

export const sampleRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/samples/$sampleId',
  // `depth`: how many generations of the lineage to show both ways (1-20; 1 when absent).
  validateSearch: searchOf(['depth'] as const),
  component: lazyRouteComponent(() => import('./SampleDetailPage.tsx'), 'SampleDetailPage'),
});

export const sampleRoutes = [samplesRoute, registerSamplesRoute, importSamplesRoute, sampleRoute] as const;
