import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { type Manifestation, SignDialog, type SigningInput } from '../../components/SignDialog.tsx';
import { useCan, useMe } from '../../session/use-me.ts';
import { NewVersionButton } from './NewVersionButton.tsx';
import { NoteDialog } from './NoteDialog.tsx';
import { fetchVersionSignatures, type WorkflowVersion, workflowKeys } from './workflow-api.ts';

export interface VersionActionsProps {
  version: WorkflowVersion;
  labId: string | undefined;
  /** Opens the draft's definition for editing (the page holds the editor). */
  onEdit: () => void;
  isEditing: boolean;
}

/**
 * What can be done with a version now, by its state and the person's permissions: edit and submit
 * a draft, approve a submitted one by electronic signature, retire an approved one, add the next
 * version, start a run of an approved one.
 */
export function VersionActions({ version, labId, onEdit, isEditing }: VersionActionsProps) {
  const can = useCan();
  const me = useMe();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<'submit' | 'approve' | 'retire' | null>(null);
  const name = version.workflow;
  const target = { path: { name, version: version.version }, query: { lab_id: labId } };
  const label = `Workflow ${name} version ${version.version}`;
  const refresh = () => queryClient.invalidateQueries({ queryKey: workflowKeys.all });
  const openChange = (which: 'submit' | 'approve' | 'retire') => (open: boolean) =>
    setDialog(open ? which : null);

  const submit = async (note: string | undefined) => {
    await data(
      api.POST('/api/workflows/{name}/versions/{version}/submit', { params: target, body: { reason: note } }),
    );
    await refresh();
  };
  const retire = async (reason: string) => {
    await data(
      api.POST('/api/workflows/{name}/versions/{version}/retire', { params: target, body: { reason } }),
    );
    await refresh();
  };
  /** Approves by signature, then reads the signature back for its manifestation. */
  const approve = async ({ password, totp, reason }: SigningInput): Promise<Manifestation> => {
    const approved = await data(
      api.POST('/api/workflows/{name}/versions/{version}/approve', {
        params: target,
        body: { password, totp, reason },
      }),
    );
    const signatures = can('signatures:read')
      ? await fetchVersionSignatures(approved.id).catch(() => [])
      : [];
    const signature = signatures.find((item) => item.id === approved.approval_signature_id);
    return {
      printed_name: signature?.printed_name ?? me.data?.full_name ?? '',
      signed_at: signature?.signed_at ?? approved.approved_at ?? new Date().toISOString(),
      meaning: signature?.meaning ?? 'approved',
    };
  };

  const isDraft = version.status === 'draft';
  return (
    <>
      {isDraft && can('workflows:update') && !isEditing && (
        <>
          <Button variant="secondary" onPress={onEdit}>
            Edit definition
          </Button>
          <Button variant="primary" onPress={() => setDialog('submit')}>
            Submit for approval
          </Button>
        </>
      )}
      {version.status === 'submitted' && can('workflows:approve') && (
        <Button variant="primary" onPress={() => setDialog('approve')}>
          Approve (sign)
        </Button>
      )}
      {version.status === 'approved' && can('runs:create') && (
        <Link
          className="button button-primary"
          to="/runs/new"
          search={{ workflow: name, version: String(version.version) }}
        >
          Start a run
        </Link>
      )}
      {version.status === 'approved' && can('workflows:approve') && (
        <Button variant="danger" onPress={() => setDialog('retire')}>
          Retire
        </Button>
      )}
      {can('workflows:create') && !isEditing && (
        <NewVersionButton name={name} from={version.version} labId={labId} />
      )}

      <NoteDialog
        title={`Submit ${label} for approval`}
        isOpen={dialog === 'submit'}
        onOpenChange={openChange('submit')}
        confirmLabel="Submit"
        action={submit}
      >
        <p>
          Once submitted, the definition is fixed: it can no longer be edited. Someone holding the approval
          permission, other than its author, then approves it by electronic signature.
        </p>
      </NoteDialog>
      {/* Mounted whatever the state: the approval changes it, and the manifestation must stay shown. */}
      <SignDialog
        title={`Approve ${label}`}
        recordLabel={`${label} (definition ${version.definition_hash.slice(0, 12)}…)`}
        isOpen={dialog === 'approve'}
        onOpenChange={openChange('approve')}
        meaning="approved"
        sign={approve}
        onSigned={() => void refresh()}
      />
      <ReasonDialog
        title={`Retire ${label}`}
        isOpen={dialog === 'retire'}
        onOpenChange={openChange('retire')}
        confirmLabel="Retire"
        danger
        action={retire}
      >
        <p>A retired version no longer runs. It stays on record, locked, with its approval signature.</p>
      </ReasonDialog>
    </>
  );
}
