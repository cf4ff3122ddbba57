import type { KeyObject } from 'node:crypto';
import { type CheckOutcome, fail, pass, skip } from '@ours/platform/operations';
import type { LabDatabase } from '../../db/lab-database.ts';
import { checkpointState, verifyFromCheckpoint } from '../audit/audit-integrity.service.ts';

const incident =
  'Treat it as an incident: npm run lab -- audit verify names the first bad entry; keep the database as it is for investigation and restore the last backup that verifies (npm run lab -- restore) into a new database.';

/** The audit chain verifies: from the last signed checkpoint by default, from genesis with `full`. */
export async function auditChainOutcome(
  db: LabDatabase,
  macKey: KeyObject,
  full: boolean,
): Promise<CheckOutcome> {
  const verification = await verifyFromCheckpoint(db, macKey, full);
  if (verification.mode === 'full') {
    const { result } = verification;
    if (!result.valid) return fail(`broken at entry ${result.first_invalid_seq}: ${result.reason}`, incident);
    return pass(
      `${result.checked} entries verified from genesis to ${result.head_hash.slice(0, 12)}…${full ? '' : ' (no checkpoint yet)'}`,
    );
  }
  const { checkpointSeq, headSeq, broken } = verification;
  if (broken) return fail(`broken at entry ${broken.seq}: ${broken.reason}`, incident);
  const appended = headSeq > checkpointSeq ? `entries ${checkpointSeq + 1}..${headSeq}` : 'no entries since';
  return pass(
    `${appended} verified on top of the checkpoint signed at entry ${checkpointSeq} (its signature vouches for 1..${checkpointSeq}; doctor --full-audit walks from genesis)`,
  );
}

/** Checkpoints are signed every LAB_CHECKPOINT_HOURS at least; one older than that (plus slack) means the job is not running. */
export async function checkpointOutcome(
  db: LabDatabase,
  checkpointHours: number,
  now: Date,
): Promise<CheckOutcome> {
  const slackMinutes = 15;
  const { headSeq, latest, signatureValid } = await checkpointState(db);
  const jobFix =
    'The audit-checkpoint job signs them: run the lab with JOBS_ENABLED=true on at least one instance (see the job schedules check), or sign one now: npm run lab -- audit checkpoint.';
  if (!latest) {
    if (headSeq === 0) return skip('the audit trail is empty: nothing to checkpoint yet');
    return fail(`no checkpoint signed over the ${headSeq} entries`, jobFix);
  }
  if (!signatureValid) {
    return fail(
      `the checkpoint at entry ${latest.seq} (key ${latest.key_id}) does not verify against the registered signing keys`,
      incident,
    );
  }
  const ageMinutes = (now.getTime() - new Date(latest.signed_at).getTime()) / 60_000;
  const age = ageMinutes < 120 ? `${Math.round(ageMinutes)} min` : `${(ageMinutes / 60).toFixed(1)} h`;
  const detail = `entry ${latest.seq} of ${headSeq}, signed ${age} ago by key ${latest.key_id}, signature valid`;
  if (ageMinutes > checkpointHours * 60 + slackMinutes) {
    return fail(
      `${detail}: older than LAB_CHECKPOINT_HOURS=${checkpointHours} plus ${slackMinutes} min`,
      jobFix,
    );
  }
  return pass(detail);
}
