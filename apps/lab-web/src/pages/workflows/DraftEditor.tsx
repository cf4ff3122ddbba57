import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { DefinitionEditor } from './DefinitionEditor.tsx';
import {
  type DefinitionFormat,
  type DefinitionProblem,
  definitionPayload,
  serverProblems,
} from './definition-problems.ts';
import { definitionText } from './definition-text.ts';
import { type WorkflowVersion, workflowKeys } from './workflow-api.ts';

export interface DraftEditorProps {
  version: WorkflowVersion;
  labId: string | undefined;
  onClose: (saved: boolean) => void;
}

/** Edits a draft's definition; saving replaces it (PUT) with a reason, kept in the audit trail. */
export function DraftEditor({ version, labId, onClose }: DraftEditorProps) {
  const queryClient = useQueryClient();
  const [text, setText] = useState(() => definitionText(version.definition));
  const [format, setFormat] = useState<DefinitionFormat>('json');
  const [refused, setRefused] = useState<DefinitionProblem[] | undefined>();
  const [saving, setSaving] = useState(false);

  const save = async (reason: string) => {
    try {
      await data(
        api.PUT('/api/workflows/{name}/versions/{version}', {
          params: { path: { name: version.workflow, version: version.version }, query: { lab_id: labId } },
          body: { ...definitionPayload(text, format), reason },
        }),
      );
    } catch (error) {
      // The refusal's problems go beside the text, each at its line; the dialog says why too.
      setRefused(serverProblems(error, text, format));
      throw error;
    }
    setRefused(undefined);
    await queryClient.invalidateQueries({ queryKey: workflowKeys.all });
    onClose(true);
  };

  return (
    <div className="form">
      <DefinitionEditor
        text={text}
        onTextChange={setText}
        format={format}
        onFormatChange={setFormat}
        serverProblems={refused}
        headingLevel={3}
      />
      <div className="form-row">
        <Button variant="primary" onPress={() => setSaving(true)} isDisabled={text.trim() === ''}>
          Save draft
        </Button>
        <Button variant="secondary" onPress={() => onClose(false)}>
          Cancel editing
        </Button>
      </div>
      <ReasonDialog
        title={`Save version ${version.version} of ${version.workflow}`}
        isOpen={saving}
        onOpenChange={setSaving}
        confirmLabel="Save"
        action={save}
      >
        <p>
          The draft's definition is replaced by the text in the editor. Say why: the audit trail keeps it.
        </p>
      </ReasonDialog>
    </div>
  );
}
