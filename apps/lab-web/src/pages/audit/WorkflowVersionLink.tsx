import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, data } from '../../api/client.ts';
import { useCan } from '../../session/use-me.ts';

/** The latest trail entry of a record: the API keeps no lookup of a workflow version by its id. */
async function latestAfter(
  entityType: string,
  entityId: string,
): Promise<Record<string, unknown> | undefined> {
  const page = await data(
    api.GET('/api/compliance/audit', {
      params: { query: { entity_type: entityType, entity_id: entityId, limit: 1 } },
    }),
  );
  const after = page.items[0]?.after;
  return after && typeof after === 'object' ? (after as Record<string, unknown>) : undefined;
}

/**
 * A workflow version's page needs its workflow's name and number, and a signature names the version
 * only by id. Whoever reads the trail gets them from it (the version's and its workflow's entries);
 * anyone else is linked to the workflows list.
 */
async function resolveVersion(versionId: string): Promise<{ name: string; version: number } | null> {
  const version = await latestAfter('workflow_version', versionId);
  const workflowId = version?.workflow_id;
  const number = version?.version;
  if (typeof workflowId !== 'string' || typeof number !== 'number') return null;
  const workflow = await latestAfter('workflow', workflowId);
  return typeof workflow?.name === 'string' ? { name: workflow.name, version: number } : null;
}

export function WorkflowVersionLink({ versionId }: { versionId: string }) {
  const can = useCan();
  const readsTrail = can('audit:read');
  const resolved = useQuery({
    queryKey: ['workflow-version-of', versionId],
    queryFn: () => resolveVersion(versionId),
    enabled: readsTrail,
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (resolved.data) {
    return (
      <Link
        to="/workflows/$name/versions/$version"
        params={{ name: resolved.data.name, version: String(resolved.data.version) }}
      >
        Workflow {resolved.data.name} v{resolved.data.version}
      </Link>
    );
  }
  return (
    <>
      <code>{versionId}</code> (<Link to="/workflows">find it among the workflows</Link>)
    </>
  );
}
