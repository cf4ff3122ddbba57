/** The status-check module as other modules see it: everything else in this folder is its own. */
export { detectStressSignal } from './stress-signals.ts';
