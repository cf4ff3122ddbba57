import './workflows.css';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Label, Tab, TabList, TabPanel, Tabs, TextArea, TextField } from 'react-aria-components';
import { ErrorNotice, InfoNotice, Loading } from '../../components/Notice.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ApprovalSignature } from './ApprovalSignature.tsx';
import { DraftEditor } from './DraftEditor.tsx';
import { definitionText } from './definition-text.ts';
import { StatusBadge } from './StatusBadge.tsx';
import { StepsGraph } from './StepsGraph.tsx';
import { VersionActions } from './VersionActions.tsx';
import { VersionDetails } from './VersionDetails.tsx';
import { useWorkflowVersion, versionNumber } from './workflow-api.ts';
import { workflowVersionRoute } from './workflows.routes.ts';

const statusNote = {
  draft: 'A draft: its definition can still change. Submit it when it is ready for approval.',
  submitted: 'Submitted: the definition is fixed and waits for an approval by electronic signature.',
  approved: 'Approved by electronic signature: locked for good, and it may run.',
  retired: 'Retired: it no longer runs, and stays on record.',
} as const;

/** One version of a workflow: its record, definition, steps graph, approval signature and actions. */
export function WorkflowVersionPage() {
  const params = workflowVersionRoute.useParams();
  const { lab_id: labId } = workflowVersionRoute.useSearch();
  const number = versionNumber(params.version);
  const version = useWorkflowVersion(params.name, number, labId);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [tab, setTab] = useState<string>('definition');
  const title = `${params.name}, version ${params.version}`;

  if (Number.isNaN(number)) {
    return (
      <>
        <PageHeader title={title} />
        <InfoNotice tone="warning">{params.version} is not a version number.</InfoNotice>
      </>
    );
  }
  if (version.isPending) return <Loading />;
  if (version.isError) {
    return (
      <>
        <PageHeader title={title} />
        <ErrorNotice error={version.error} />
      </>
    );
  }
  const current = version.data;
  const isEditing = editing && current.status === 'draft';
  return (
    <>
      <PageHeader
        title={title}
        subtitle={
          <span className="status-line">
            <StatusBadge status={current.status} /> {statusNote[current.status]}
          </span>
        }
      >
        <VersionActions
          version={current}
          labId={labId}
          isEditing={isEditing}
          onEdit={() => {
            setSaved(false);
            setEditing(true);
            setTab('definition');
          }}
        />
      </PageHeader>
      <p>
        <Link to="/workflows/$name" params={{ name: params.name }} search={{ lab_id: labId }}>
          All versions of {params.name}
        </Link>
      </p>
      {saved && <InfoNotice tone="success">The draft was saved.</InfoNotice>}
      <div className="version-grid">
        <VersionDetails version={current} />
        <ApprovalSignature version={current} />
      </div>
      <Tabs className="tabs" selectedKey={tab} onSelectionChange={(key) => setTab(String(key))}>
        <TabList aria-label="Definition views">
          <Tab id="definition" className="tab">
            Definition
          </Tab>
          <Tab id="graph" className="tab">
            Steps graph
          </Tab>
        </TabList>
        <TabPanel id="definition">
          <section aria-labelledby="definition-heading">
            <h2 id="definition-heading">Definition{isEditing ? ' (editing)' : ''}</h2>
            {isEditing ? (
              <DraftEditor
                version={current}
                labId={labId}
                onClose={(wasSaved) => {
                  setEditing(false);
                  setSaved(wasSaved);
                }}
              />
            ) : (
              <TextField
                value={definitionText(current.definition)}
                isReadOnly
                className="definition-readonly"
              >
                <Label className="definition-editor-label">Definition (read-only)</Label>
                <TextArea className="definition-view" rows={24} wrap="off" spellCheck={false} />
              </TextField>
            )}
          </section>
        </TabPanel>
        <TabPanel id="graph">
          <StepsGraph definition={current.definition} />
        </TabPanel>
      </Tabs>
    </>
  );
}
