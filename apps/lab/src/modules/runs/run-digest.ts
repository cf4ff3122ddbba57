import { createHash } from 'node:crypto';
import type { LabExecutor } from '../../db/lab-database.ts';
import { canonicalSha256 } from '../audit/index.ts';
import { dataOf, stepsOf } from './runs.repository.ts';

const framesPerPage = 500;

/**
 * What a run's closing audit entry carries about its append-only records (exempt from per-row
 * coverage): how many step records and data frames, and a hash over each, so a record added,
 * dropped or changed later no longer matches the chain. Data frames are read a page at a time, so a
 * long run's spectra are never all in memory at once.
 */
export async function runRecordDigest(tx: LabExecutor, runId: string) {
  const steps = await stepsOf(tx, runId);
  const data = createHash('sha256');
  let frames = 0;
  for (let afterSeq = 0; ; ) {
    const page = await dataOf(tx, runId, { afterSeq, limit: framesPerPage });
    for (const frame of page)
      data.update(`${frame.seq}|${frame.step_seq}|${frame.captured_at}|`).update(frame.vals);
    frames += page.length;
    const last = page.at(-1);
    if (!last || page.length < framesPerPage) break;
    afterSeq = last.seq;
  }
  return {
    steps: steps.length,
    steps_hash: canonicalSha256(steps),
    data_frames: frames,
    data_hash: data.digest('hex'),
  };
}
