import { useQuery } from '@tanstack/react-query';
import { api, data } from '../api/client.ts';

/** Settings the server gives before sign-in: first run, and the inactivity sign-out. */
export function useUiSettings() {
  return useQuery({
    queryKey: ['ui-settings'],
    queryFn: () => data(api.GET('/auth/settings')),
    staleTime: 60_000,
  });
}
