/** The mfa module as other modules see it: everything else in this folder is its own. */
export { checkSecondFactor } from './second-factor.ts';
