export { type CliCommand, type CliProgram, runCli, UsageError } from './commands.ts';
export { printData, snakeCaseKeys } from './output.ts';
export { createProgressBar } from './progress-bar.ts';
export { createStepProgress } from './progress-steps.ts';
export { promptHidden } from './prompt-hidden.ts';
