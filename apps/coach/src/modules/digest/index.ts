/** The digest module as other modules see it: everything else in this folder is its own. */
export { createDigestUserQueue, digestSlotQueue, planAndQueue, workDigestUsers } from './digest-queue.ts';
