import { useQuery } from '@tanstack/react-query';
import { api, data } from '../api/client.ts';
import type { components } from '../api/lab-api.generated.ts';
import { useSession } from './session-store.ts';

type Paths = import('../api/lab-api.generated.ts').paths;
export type Me = Paths['/auth/me']['get']['responses']['200']['content']['application/json'];
export type { components };

/** The signed-in person: name, roles, permissions, labs and how they proved who they are. */
export function useMe() {
  const session = useSession();
  return useQuery({
    queryKey: ['me'],
    queryFn: () => data(api.GET('/auth/me')),
    enabled: session.status === 'signed-in',
    staleTime: 60_000,
  });
}

/** Whether the signed-in person holds a permission ('*' is the administrator's all). */
export function useCan(): (permission: string) => boolean {
  const { data: me } = useMe();
  return (permission) => !!me && (me.permissions.includes('*') || me.permissions.includes(permission));
}
