import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client.ts';
import type { GetReply } from '../../api/types.ts';

export type WorkflowSummary = GetReply<'/api/workflows'>['items'][number];
export type WorkflowDetail = GetReply<'/api/workflows/{name}'>;
export type WorkflowVersion = GetReply<'/api/workflows/{name}/versions/{version}'>;
export type VersionStatus = WorkflowVersion['status'];
export type Signature = GetReply<'/api/signatures'>[number];

/** The record type workflow versions are signed as (signatures/signable-records.ts). */
export const versionRecordType = 'workflow_version';

/** Query keys of this area, so a change refreshes exactly what shows it. */
export const workflowKeys = {
  all: ['workflows'] as const,
  list: (labId: string | undefined) => ['workflows', 'list', labId ?? null] as const,
  detail: (name: string, labId: string | undefined) => ['workflows', 'detail', name, labId ?? null] as const,
  version: (name: string, version: number, labId: string | undefined) =>
    ['workflows', 'version', name, version, labId ?? null] as const,
  schema: ['workflow-definition-schema'] as const,
  signatures: (versionId: string) => ['signatures', versionRecordType, versionId] as const,
};

/** The published JSON Schema of a definition: it changes only with the server, so it is kept long. */
export function useDefinitionSchema() {
  return useQuery({
    queryKey: workflowKeys.schema,
    queryFn: () => data(api.GET('/api/workflows/schema')),
    staleTime: 60 * 60_000,
  });
}

export function useWorkflow(name: string, labId: string | undefined) {
  return useQuery({
    queryKey: workflowKeys.detail(name, labId),
    queryFn: () =>
      data(api.GET('/api/workflows/{name}', { params: { path: { name }, query: { lab_id: labId } } })),
  });
}

export function useWorkflowVersion(name: string, version: number, labId: string | undefined) {
  return useQuery({
    queryKey: workflowKeys.version(name, version, labId),
    queryFn: () =>
      data(
        api.GET('/api/workflows/{name}/versions/{version}', {
          params: { path: { name, version }, query: { lab_id: labId } },
        }),
      ),
  });
}

/** The signatures on a version (its approval), oldest first. */
export function fetchVersionSignatures(versionId: string): Promise<Signature[]> {
  return data(
    api.GET('/api/signatures', {
      params: { query: { record_type: versionRecordType, record_id: versionId } },
    }),
  );
}

export const statusTone: Record<VersionStatus, string> = {
  draft: 'badge-info',
  submitted: 'badge-warn',
  approved: 'badge-ok',
  retired: '',
};

/** A version number from a route parameter (the router hands strings). */
export function versionNumber(text: string): number {
  const number = Number(text);
  return Number.isInteger(number) && number > 0 ? number : Number.NaN;
}

/** The labs the signed-in person belongs to (names for a person in several). */
export function useMyLabs() {
  return useQuery({
    queryKey: ['labs', 'mine'],
    queryFn: () => data(api.GET('/api/labs')),
    staleTime: 5 * 60_000,
  });
}
