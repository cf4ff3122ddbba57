import type { paths } from '../../api/lab-api.generated.ts';
import type { GetQuery, GetReply, PostBody } from '../../api/types.ts';
import { readableCode } from '../../format/text.ts';

/** A sample as the list answers it. */
export type Sample = GetReply<'/api/samples'>['items'][number];
/** A sample as its detail answers it: with its next statuses, lineage and signatures. */
export type SampleDetail = GetReply<'/api/samples/{id}'>;
/** An ancestor or descendant of a sample (`via` is the sample it was reached from). */
export type Relative = SampleDetail['ancestors'][number];
/** A signature as the lab lists it (the detail types them loosely; they are these). */
export type Signature = GetReply<'/api/signatures'>[number];
export type SampleRun = GetReply<'/api/samples/{id}/runs'>['runs'][number];
export type HistoryEntry = GetReply<'/api/samples/{id}/history'>[number];
export type SampleQuery = GetQuery<'/api/samples'>;
export type SampleStatus = NonNullable<SampleQuery['status']>;
export type NewSample = PostBody<'/api/samples'>;
export type SampleChange = NonNullable<
  paths['/api/samples/{id}']['patch']['requestBody']
>['content']['application/json'];
export type SplitBody = PostBody<'/api/samples/{id}/split'>;
export type Project = GetReply<'/api/samples/projects'>[number];
export type Batch = GetReply<'/api/samples/batches'>[number];
export type Container = GetReply<'/api/samples/containers'>[number];
export type Lab = GetReply<'/api/labs'>[number];

/** Every status in its usual order of travel (the list's filter offers them all). */
export const sampleStatuses = [
  'received',
  'in_storage',
  'in_process',
  'consumed',
  'disposed',
] as const satisfies readonly SampleStatus[];

export function isSampleStatus(value: string | undefined): value is SampleStatus {
  return sampleStatuses.some((status) => status === value);
}

/** A status as people read it ("in_storage" as "in storage"). */
export const statusLabel = readableCode;

/** The badge tone of a status: ended samples stand out, live ones are calm. */
export function statusTone(status: string): string {
  if (status === 'disposed') return 'badge badge-danger';
  if (status === 'consumed') return 'badge badge-warn';
  if (status === 'in_process') return 'badge badge-info';
  if (status === 'in_storage') return 'badge badge-ok';
  return 'badge';
}
