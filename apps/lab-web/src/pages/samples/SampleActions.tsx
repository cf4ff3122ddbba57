import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { SignDialog } from '../../components/SignDialog.tsx';
import { useCan } from '../../session/use-me.ts';
import { EditSampleDialog } from './EditSampleDialog.tsx';
import { SplitDialog } from './SplitDialog.tsx';
import { StatusDialog } from './StatusDialog.tsx';
import type { OrganiserNames } from './sample-queries.ts';
import type { Sample, SampleDetail } from './sample-types.ts';

type Open = 'edit' | 'status' | 'split' | 'sign' | 'delete' | undefined;
type Meaning = 'authored' | 'reviewed' | 'approved' | 'released' | 'responsibility';

export interface SampleActionsProps {
  sample: SampleDetail;
  names: OrganiserNames;
  /** After any change: reload what shows the sample. */
  refresh: () => void;
  onSplit: (children: Sample[]) => void;
}

/** What the signed-in person may do to the sample: each action only if they hold its permission. */
export function SampleActions({ sample, names, refresh, onSplit }: SampleActionsProps) {
  const can = useCan();
  const [open, setOpen] = useState<Open>();
  const closer = (open: boolean) => !open && setOpen(undefined);
  const live = !sample.deleted_at;
  const spent = sample.status === 'consumed' || sample.status === 'disposed';
  return (
    <>
      {live && can('samples:update') && (
        <Button variant="primary" onPress={() => setOpen('edit')}>
          Edit
        </Button>
      )}
      {live && can('samples:update') && sample.allowed_statuses.length > 0 && (
        <Button onPress={() => setOpen('status')}>Change status</Button>
      )}
      {live && !spent && can('samples:create') && sample.quantity > 0 && (
        <Button onPress={() => setOpen('split')}>Split into aliquots</Button>
      )}
      {live && can('signatures:create') && <Button onPress={() => setOpen('sign')}>Sign</Button>}
      {live && can('samples:delete') && (
        <Button variant="danger" onPress={() => setOpen('delete')}>
          Delete
        </Button>
      )}

      {open === 'edit' && (
        <EditSampleDialog sample={sample} names={names} onOpenChange={closer} onDone={refresh} />
      )}
      {open === 'status' && <StatusDialog sample={sample} onOpenChange={closer} onDone={refresh} />}
      <SplitDialog
        key={sample.updated_at}
        sample={sample}
        isOpen={open === 'split'}
        onOpenChange={closer}
        onSplit={(children) => {
          refresh();
          onSplit(children);
        }}
      />
      <SignDialog
        title={`Sign sample ${sample.sample_id}`}
        recordLabel={`Sample ${sample.sample_id} (${sample.sample_type}, ${sample.quantity} ${sample.unit})`}
        isOpen={open === 'sign'}
        onOpenChange={closer}
        sign={(input) =>
          data(
            api.POST('/api/signatures', {
              body: {
                record_type: 'sample',
                record_id: sample.id,
                meaning: input.meaning as Meaning,
                reason: input.reason,
                password: input.password,
                ...(input.totp ? { totp: input.totp } : {}),
              },
            }),
          )
        }
        onSigned={refresh}
      />
      <ReasonDialog
        title={`Delete ${sample.sample_id}`}
        isOpen={open === 'delete'}
        onOpenChange={closer}
        confirmLabel="Delete sample"
        danger
        action={(reason) =>
          data(api.DELETE('/api/samples/{id}', { params: { path: { id: sample.id } }, body: { reason } }))
        }
        onDone={refresh}
      >
        <p>
          The sample leaves the lists but stays in the record with its history; a deletion cannot be undone.
        </p>
      </ReasonDialog>
    </>
  );
}
