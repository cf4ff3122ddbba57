/** The sites module as other modules see it: everything else in this folder is its own. */

export { allLabIds } from './lab-scope.repository.ts';
export {
  defaultLabId,
  inLabs,
  listInLabs,
  progressInLabs,
  readInLabs,
  sortlessReadInLabs,
  targetLab,
} from './lab-scope.ts';
export { addMemberships } from './sites.repository.ts';
