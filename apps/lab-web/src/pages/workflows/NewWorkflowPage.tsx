import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { SelectField, TextField } from '../../components/fields.tsx';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useCan, useMe } from '../../session/use-me.ts';
import { DefinitionEditor } from './DefinitionEditor.tsx';
import {
  type DefinitionFormat,
  type DefinitionProblem,
  definitionPayload,
  serverProblems,
} from './definition-problems.ts';
import { definitionText } from './definition-text.ts';
import { exampleDefinition } from './example-definition.ts';
import { useMyLabs, workflowKeys } from './workflow-api.ts';

/** A new workflow from a definition typed or pasted here: version 1, as a draft. */
export function NewWorkflowPage() {
  const me = useMe();
  const can = useCan();
  const labs = useMyLabs();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [format, setFormat] = useState<DefinitionFormat>('json');
  const [labId, setLabId] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [refused, setRefused] = useState<DefinitionProblem[] | undefined>();
  const severalLabs = (me.data?.lab_ids.length ?? 0) > 1;

  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/workflows', {
          body: {
            ...definitionPayload(text, format),
            lab_id: severalLabs ? (labId ?? undefined) : undefined,
            reason: reason.trim() || undefined,
          },
        }),
      ),
    onMutate: () => setRefused(undefined),
    onError: (error) => setRefused(serverProblems(error, text, format)),
    onSuccess: async (version) => {
      await queryClient.invalidateQueries({ queryKey: workflowKeys.all });
      await navigate({
        to: '/workflows/$name/versions/$version',
        params: { name: version.workflow, version: String(version.version) },
        search: { lab_id: severalLabs ? version.lab_id : undefined },
      });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  if (me.isPending) return <Loading />;
  if (!can('workflows:create')) {
    return (
      <>
        <PageHeader title="New workflow" />
        <InfoNotice tone="warning">You do not have permission to create workflows.</InfoNotice>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="New workflow"
        subtitle="Write or paste the definition (docs/workflows.md describes the format). It is saved as version 1, a draft."
      >
        <Button
          variant="secondary"
          onPress={() => {
            setFormat('json');
            setText(definitionText(exampleDefinition));
          }}
        >
          Start from the example
        </Button>
      </PageHeader>
      <Form className="form" onSubmit={submit}>
        {severalLabs && (
          <SelectField
            label="Lab"
            options={(labs.data ?? []).map((lab) => ({ id: lab.id, label: lab.name }))}
            value={labId}
            onChange={setLabId}
            isRequired
          />
        )}
        <DefinitionEditor
          text={text}
          onTextChange={setText}
          format={format}
          onFormatChange={setFormat}
          serverProblems={refused}
        />
        <TextField
          label="Note for the audit trail (optional)"
          value={reason}
          onChange={setReason}
          description="Why this workflow is written; kept with its creation."
        />
        <ErrorNotice error={create.error} />
        <div className="form-row">
          <Button type="submit" variant="primary" isDisabled={create.isPending || text.trim() === ''}>
            {create.isPending ? 'Saving…' : 'Save as draft'}
          </Button>
        </div>
      </Form>
    </>
  );
}
