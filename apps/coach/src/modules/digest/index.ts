/** The digest module as other modules see it: everything else in this folder is its own. */
export {
  createDigestUserQueue,
  type DigestDueGroup,
  digestSlotQueue,
  planAndQueue,
  queueDueZones,
  workDigestUsers,
} from './digest-queue.ts';
