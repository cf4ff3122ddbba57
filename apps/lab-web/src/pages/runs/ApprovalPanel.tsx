import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, data } from '../../api/client.ts';
import { Button } from '../../components/Button.tsx';
import { InfoNotice } from '../../components/Notice.tsx';
import { type Manifestation, SignDialog, type SigningInput } from '../../components/SignDialog.tsx';
import { useMe } from '../../session/use-me.ts';
import type { StepSpec } from './definition.ts';

const meanings = ['authored', 'reviewed', 'approved', 'released', 'responsibility'] as const;
type Meaning = (typeof meanings)[number];

/** The meaning the server signs with: the step's own when it is a signature meaning, else "approved". */
const meaningOf = (step: StepSpec): Meaning => meanings.find((known) => known === step.meaning) ?? 'approved';

/**
 * Signs the approval step a run waits on, then reads the signature back for its manifestation (the
 * approval answers the run, not the signature): the newest signature on the run by this signer
 * whose reason names the step.
 */
async function signStep(
  runId: string,
  step: StepSpec,
  input: SigningInput,
  signer: { id: string; full_name: string } | undefined,
): Promise<Manifestation> {
  await data(
    api.POST('/api/runs/{id}/approvals/{stepId}', {
      params: { path: { id: runId, stepId: step.id } },
      body: { password: input.password, reason: input.reason, ...(input.totp ? { totp: input.totp } : {}) },
    }),
  );
  const signatures = await data(
    api.GET('/api/signatures', { params: { query: { record_type: 'run', record_id: runId } } }),
  ).catch(() => []);
  const mine = signatures
    .filter(
      (signature) => signature.reason?.startsWith(`[step ${step.id}]`) && signature.signer_id === signer?.id,
    )
    .sort((a, b) => b.signed_at.localeCompare(a.signed_at))[0];
  return (
    mine ?? {
      printed_name: signer?.full_name ?? 'you',
      signed_at: new Date().toISOString(),
      meaning: meaningOf(step),
    }
  );
}

/**
 * The approval step the run waits on, signed in place by whoever holds its role. The dialog stays
 * mounted after the run moves on (`waiting` false), so the signer still sees the manifestation.
 */
export function ApprovalPanel({
  runId,
  step,
  label,
  waiting,
}: {
  runId: string;
  step: StepSpec;
  label: string;
  waiting: boolean;
}) {
  const me = useMe();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const role = step.approverRole ?? 'admin';
  const permissions = me.data?.permissions ?? [];
  const maySign =
    (permissions.includes('*') || permissions.includes('runs:update')) &&
    (permissions.includes('*') || (me.data?.roles ?? []).includes(role));
  return (
    <>
      {waiting && (
        <section className="card run-approval" aria-labelledby="approval-heading">
          <h2 id="approval-heading">Approval needed: {step.id}</h2>
          <p>
            The run waits here until someone with the role <strong>{role}</strong> signs this step
            {step.meaning ? ` (${step.meaning})` : ''}.
          </p>
          {step.instructions && <p className="run-instructions">{step.instructions}</p>}
          {maySign ? (
            <Button variant="primary" onPress={() => setOpen(true)}>
              Sign approval
            </Button>
          ) : (
            <InfoNotice>Only someone with the role {role} can sign this step.</InfoNotice>
          )}
        </section>
      )}
      <SignDialog
        title={`Sign the approval step ${step.id}`}
        recordLabel={`${label}, step ${step.id}`}
        isOpen={open}
        onOpenChange={setOpen}
        meaning={meaningOf(step)}
        sign={(input) => signStep(runId, step, input, me.data)}
        onSigned={() => void queryClient.invalidateQueries({ queryKey: ['run', runId] })}
      />
    </>
  );
}
