import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { NoteDialog } from './NoteDialog.tsx';
import { workflowKeys } from './workflow-api.ts';

export interface NewVersionButtonProps {
  name: string;
  /** The version whose definition the new draft starts from. */
  from: number;
  labId: string | undefined;
}

/** Adds the next version as a draft, a copy of version `from`'s definition, and opens it for editing. */
export function NewVersionButton({ name, from, labId }: NewVersionButtonProps) {
  const [open, setOpen] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const addVersion = async (note: string | undefined) => {
    const source = await data(
      api.GET('/api/workflows/{name}/versions/{version}', {
        params: { path: { name, version: from }, query: { lab_id: labId } },
      }),
    );
    const created = await data(
      api.POST('/api/workflows/{name}/versions', {
        params: { path: { name } },
        body: { definition: source.definition, lab_id: labId, reason: note },
      }),
    );
    await queryClient.invalidateQueries({ queryKey: workflowKeys.all });
    await navigate({
      to: '/workflows/$name/versions/$version',
      params: { name, version: String(created.version) },
      search: { lab_id: labId },
    });
  };
  return (
    <>
      <Button variant="secondary" onPress={() => setOpen(true)}>
        New version
      </Button>
      <NoteDialog
        title={`New version of ${name}`}
        isOpen={open}
        onOpenChange={setOpen}
        confirmLabel="Create draft"
        action={addVersion}
      >
        <p>
          The next version starts as a draft with a copy of version {from}'s definition, for you to edit,
          submit and have approved. Version {from} stays as it is.
        </p>
      </NoteDialog>
    </>
  );
}
