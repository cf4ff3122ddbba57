import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, data } from '../../api/client.ts';
import type { Batch, Container, Lab, Project } from './sample-types.ts';

/** One sample with its lineage to `depth` levels, its next statuses and signatures. */
export function useSample(id: string, depth: number) {
  return useQuery({
    queryKey: ['sample', id, depth],
    queryFn: () => data(api.GET('/api/samples/{id}', { params: { path: { id }, query: { depth } } })),
  });
}

/** After a change: the sample, its history and every list page are stale. */
export function useRefreshSamples() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['sample'] }),
      client.invalidateQueries({ queryKey: ['sample-history'] }),
      client.invalidateQueries({ queryKey: ['samples'] }),
    ]);
}

// The organisers lists are offset pages of at most 500: enough for a choice list; a lab with more
// projects than that still filters by the newest 500 (the API has no name search for them).
const organiserLimit = 500;

export function useProjects(enabled = true) {
  return useQuery({
    queryKey: ['sample-organisers', 'projects'],
    queryFn: () => data(api.GET('/api/samples/projects', { params: { query: { limit: organiserLimit } } })),
    staleTime: 60_000,
    enabled,
  });
}

export function useBatches(enabled = true) {
  return useQuery({
    queryKey: ['sample-organisers', 'batches'],
    queryFn: () => data(api.GET('/api/samples/batches', { params: { query: { limit: organiserLimit } } })),
    staleTime: 60_000,
    enabled,
  });
}

export function useContainers(enabled = true) {
  return useQuery({
    queryKey: ['sample-organisers', 'containers'],
    queryFn: () => data(api.GET('/api/samples/containers', { params: { query: { limit: organiserLimit } } })),
    staleTime: 60_000,
    enabled,
  });
}

export function useLabs() {
  return useQuery({ queryKey: ['labs'], queryFn: () => data(api.GET('/api/labs')), staleTime: 300_000 });
}

/** Projects, batches, containers and labs by id, for showing a code where the API gives a uuid. */
export function useOrganiserNames() {
  const projects = useProjects();
  const batches = useBatches();
  const containers = useContainers();
  const labs = useLabs();
  const byId = <T extends { id: string }>(rows: T[] | undefined, name: (row: T) => string) =>
    new Map((rows ?? []).map((row) => [row.id, name(row)]));
  return {
    project: byId<Project>(projects.data, (row) => `${row.code} · ${row.name}`),
    batch: byId<Batch>(batches.data, (row) => row.code),
    container: byId<Container>(containers.data, (row) =>
      row.location ? `${row.code} (${row.location})` : row.code,
    ),
    lab: byId<Lab>(labs.data, (row) => row.name),
    projects: projects.data ?? [],
    batches: batches.data ?? [],
    containers: containers.data ?? [],
    labs: labs.data ?? [],
  };
}

export type OrganiserNames = ReturnType<typeof useOrganiserNames>;
