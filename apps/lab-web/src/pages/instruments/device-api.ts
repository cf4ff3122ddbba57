import type { QueryClient } from '@tanstack/react-query';
import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client.ts';
import type { GetReply } from '../../api/types.ts';

/** The instruments' records, as the API answers them (derived from the OpenAPI document). */
export type Device = GetReply<'/api/devices/{id}'>;
export type CalibrationState = Device['calibration_state'];
export type DueDevice = GetReply<'/api/calibration/overdue'>['items'][number];
export type Calibration = GetReply<'/api/calibration/{id}'>;
export type Certificate = Calibration['certificates'][number];
export type Usage = GetReply<'/api/devices/{id}/usage'>['items'][number];
export type Hub = GetReply<'/api/sites/hubs'>[number];
export type Driver = GetReply<'/api/instruments/drivers'>[number];
export type InterlockState = GetReply<'/api/safety/interlocks'>[number];

/** Every instruments query's key starts with this, so one change refreshes every list showing it. */
export const instrumentsKey = ['instruments'] as const;

/** After a registration, calibration, use or service change: every list and the dashboard. */
export function refreshInstruments(queryClient: QueryClient): Promise<void> {
  void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
  return queryClient.invalidateQueries({ queryKey: instrumentsKey });
}

export const calibrationStates: readonly CalibrationState[] = [
  'valid',
  'overdue',
  'failed',
  'never_calibrated',
];

/** The instrument gateways (hubs) of my labs, for names and the hub filter (few: one list). */
export function useHubs() {
  return useQuery({
    queryKey: [...instrumentsKey, 'hubs'],
    queryFn: () => data(api.GET('/api/sites/hubs')),
    staleTime: 5 * 60_000,
  });
}

/** A hub's name by id, or what to show while the hubs load or when it has none. */
export function hubName(hubs: Hub[] | undefined, id: string | null): string {
  if (id === null) return '—';
  return hubs?.find((hub) => hub.id === id)?.name ?? 'hub';
}
