import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client.ts';
import type { GetReply } from '../../api/types.ts';

export type Device = GetReply<'/api/devices'>['items'][number];

/** Devices read at most (pages of 100): a lab's instruments number in the hundreds at most. */
const maxPages = 10;

async function inServiceDevices(): Promise<Device[]> {
  const devices: Device[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const answer = await data(
      api.GET('/api/devices', { params: { query: { in_service: true, limit: 100, cursor } } }),
    );
    devices.push(...answer.items);
    if (!answer.next_cursor) break;
    cursor = answer.next_cursor;
  }
  return devices;
}

/**
 * The devices a run may bind, by instrument kind: in service, calibrated (usable now), and driven
 * by a driver of that kind (GET /api/instruments/drivers says each driver's kind).
 */
export function useDeviceCandidates() {
  const devices = useQuery({ queryKey: ['devices', 'in-service-all'], queryFn: inServiceDevices });
  const drivers = useQuery({
    queryKey: ['instrument-drivers'],
    queryFn: () => data(api.GET('/api/instruments/drivers')),
    staleTime: 300_000,
  });
  const kindOf = new Map((drivers.data ?? []).map((driver) => [driver.name, driver.kind]));
  return {
    isPending: devices.isPending || drivers.isPending,
    error: devices.error ?? drivers.error,
    ofKind: (kind: string): Device[] =>
      (devices.data ?? []).filter(
        (device) => device.usable && device.driver !== null && kindOf.get(device.driver) === kind,
      ),
  };
}
