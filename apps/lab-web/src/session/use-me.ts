import { useQuery } from '@tanstack/react-query';
import { api, data } from '../api/client.ts';
import { useSession } from './session-store.ts';

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
