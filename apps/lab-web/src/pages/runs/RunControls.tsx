import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data, download, saveBlob } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';
import { ReasonDialog } from '../../components/ReasonDialog.tsx';
import { useCan } from '../../session/use-me.ts';
import type { RunStatus } from './run-status.ts';

const pausable: ReadonlySet<RunStatus> = new Set(['running']);
const abortable: ReadonlySet<RunStatus> = new Set([
  'created',
  'running',
  'paused',
  'waiting_for_approval',
  'interrupted',
]);

/**
 * Pause, resume and abort as the run's state allows and the person may (runs:update), and the run
 * report. An abort asks why (the API records it); resuming an interrupted run does too, since it
 * continues work a stopped server left part way.
 */
export function RunControls({ runId, status }: { runId: string; status: RunStatus }) {
  const can = useCan();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<'abort' | 'resume' | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['run', runId] });
  const path = { params: { path: { id: runId } } };
  const pause = useMutation({
    mutationFn: () => data(api.POST('/api/runs/{id}/pause', { ...path, body: {} })),
    onSuccess: refresh,
  });
  const resume = useMutation({
    mutationFn: () => data(api.POST('/api/runs/{id}/resume', { ...path, body: {} })),
    onSuccess: refresh,
  });
  const report = useMutation({
    mutationFn: async () => saveBlob(await download(`/api/runs/${runId}/report.pdf`), `run-${runId}.pdf`),
  });
  const mayUpdate = can('runs:update');
  return (
    <div className="run-controls">
      <div className="page-actions">
        {mayUpdate && pausable.has(status) && (
          <Button onPress={() => pause.mutate()} isDisabled={pause.isPending}>
            {pause.isPending ? 'Pausing…' : 'Pause'}
          </Button>
        )}
        {mayUpdate && status === 'paused' && (
          <Button variant="primary" onPress={() => resume.mutate()} isDisabled={resume.isPending}>
            {resume.isPending ? 'Resuming…' : 'Resume'}
          </Button>
        )}
        {mayUpdate && status === 'interrupted' && (
          <Button variant="primary" onPress={() => setDialog('resume')}>
            Resume
          </Button>
        )}
        {mayUpdate && abortable.has(status) && (
          <Button variant="danger" onPress={() => setDialog('abort')}>
            Abort
          </Button>
        )}
        <Button onPress={() => report.mutate()} isDisabled={report.isPending}>
          {report.isPending ? 'Preparing report…' : 'Download report (PDF)'}
        </Button>
      </div>
      <ErrorNotice error={pause.error ?? resume.error ?? report.error} />
      <ReasonDialog
        title="Abort the run"
        isOpen={dialog === 'abort'}
        onOpenChange={(open) => setDialog(open ? 'abort' : null)}
        confirmLabel="Abort run"
        danger
        action={(reason) => data(api.POST('/api/runs/{id}/abort', { ...path, body: { reason } }))}
        onDone={refresh}
      >
        <p>
          The step under way is cancelled, the workflow's abort steps run, and every instrument is driven to
          its safe state. An aborted run cannot be resumed.
        </p>
      </ReasonDialog>
      <ReasonDialog
        title="Resume the interrupted run"
        isOpen={dialog === 'resume'}
        onOpenChange={(open) => setDialog(open ? 'resume' : null)}
        confirmLabel="Resume run"
        action={(reason) => data(api.POST('/api/runs/{id}/resume', { ...path, body: { reason } }))}
        onDone={refresh}
      >
        <p>
          The run continues from its last finished step, if its configuration (workflow version and devices)
          still holds.
        </p>
      </ReasonDialog>
    </div>
  );
}
