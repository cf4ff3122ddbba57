import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../../api/client.ts';
import type { GetReply } from '../../api/types.ts';

export type User = GetReply<'/api/admin/users'>[number];
export type UserDetail = GetReply<'/api/admin/users/{id}'>;
export type Role = GetReply<'/api/admin/roles'>[number];
export type Lab = GetReply<'/api/admin/labs'>[number];

/** Every account (users:manage). */
export function useUsers() {
  return useQuery({ queryKey: ['admin', 'users'], queryFn: () => data(api.GET('/api/admin/users')) });
}

/** The roles and what each permits (users:manage). */
export function useRoles(enabled = true) {
  return useQuery({
    queryKey: ['admin', 'roles'],
    queryFn: () => data(api.GET('/api/admin/roles')),
    staleTime: 60_000,
    enabled,
  });
}

/** Every lab of the installation (sites:manage). */
export function useAllLabs(enabled = true) {
  return useQuery({ queryKey: ['admin', 'labs'], queryFn: () => data(api.GET('/api/admin/labs')), enabled });
}

/** The labs I belong to: where I may register nodes and hubs. */
export function useMyLabs() {
  return useQuery({ queryKey: ['my-labs'], queryFn: () => data(api.GET('/api/labs')), staleTime: 60_000 });
}

/** After an account change: the lists and the account's own page show it at once. */
export function useRefreshAccounts() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ['admin'] });
    void queryClient.invalidateQueries({ queryKey: ['me'] });
  };
}

/** Whether an account is locked out now (a lock expires on its own). */
export function isLocked(user: Pick<User, 'locked_until'>): boolean {
  return user.locked_until !== null && new Date(user.locked_until).getTime() > Date.now();
}

/** A lab's short code for a lab id (the id when the lab is unknown to the reader). */
export function labCode(labs: readonly Lab[] | undefined, id: string): string {
  return labs?.find((candidate) => candidate.id === id)?.code ?? id;
}

/** "BOS-1 Boston lab" for a lab id, or the id when the lab is unknown to the reader. */
export function labName(labs: readonly Lab[] | undefined, id: string): string {
  const lab = labs?.find((candidate) => candidate.id === id);
  return lab ? `${lab.code} · ${lab.name}` : id;
}
