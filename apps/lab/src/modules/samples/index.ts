/** The samples module as other modules see it: everything else in this folder is its own. */
export { projectByCode } from './organisers.repository.ts';
export { isSpent } from './sample-status.ts';
export { BusinessId, Reason } from './samples.schema.ts';
