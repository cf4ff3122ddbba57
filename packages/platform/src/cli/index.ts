export { createProgressBar } from './progress-bar.ts';
export { promptHidden } from './prompt-hidden.ts';
