import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { appRoute } from '../../routes/base-routes.tsx';
import { searchOf } from '../../routes/search.ts';

/**
 * The instruments page's view (devices, overdue, upcoming, calibrations, interlocks), the device
 * filters, the upcoming list's window (`days`) and the calibration log's filters (`device`, `result`).
 */
export const instrumentSearch = [
  'view',
  'q',
  'device_type',
  'calibration_state',
  'in_service',
  'hub_id',
  'days',
  'device',
  'result',
] as const;

export type InstrumentSearch = { [K in (typeof instrumentSearch)[number]]?: string | undefined };

export const instrumentsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/instruments',
  validateSearch: searchOf(instrumentSearch),
  component: lazyRouteComponent(() => import('./InstrumentsPage.tsx'), 'InstrumentsPage'),
});

export const deviceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/instruments/$deviceId',
  component: lazyRouteComponent(() => import('./DevicePage.tsx'), 'DevicePage'),
});

export const calibrationRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/instruments/calibrations/$calibrationId',
  component: lazyRouteComponent(() => import('./CalibrationPage.tsx'), 'CalibrationPage'),
});

export const instrumentRoutes = [instrumentsRoute, deviceRoute, calibrationRoute] as const;
