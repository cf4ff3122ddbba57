import { fieldOf } from '../errors.ts';

/** One subcommand of a service's command line (`serve`, `create-admin`, ...). */
export interface CliCommand {
  name: string;
  /** One line for the overview. */
  summary: string;
  /** Its own help: synopsis, options and what it prints. */
  help: string;
  run(args: string[]): Promise<void>;
}

export interface CliProgram {
  /** How a person types it: `npm run <app> --`. */
  invocation: string;
  commands: CliCommand[];
  /** Run when no command is given. */
  defaultCommand: string;
  /** Printed under the overview (shared notes, environment). */
  notes?: string;
}

/** A mistake in how a command was called: its usage goes to stderr and the exit code is 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const helpWords = new Set(['help', '--help', '-h']);

function overview(program: CliProgram): string {
  const width = Math.max(...program.commands.map((command) => command.name.length)) + 2;
  const lines = program.commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`);
  return [
    `Usage: ${program.invocation} <command> [options]`,
    '',
    'Commands:',
    ...lines,
    '',
    `"${program.invocation} <command> --help" shows a command's options.`,
    ...(program.notes ? ['', program.notes] : []),
  ].join('\n');
}

const isParseArgsError = (error: unknown) =>
  error instanceof TypeError && String(fieldOf(error, 'code')).startsWith('ERR_PARSE_ARGS');

/**
 * Dispatches `argv` to a command. `help`, `--help` and `-h` print usage to stdout (exit 0), also per
 * command (`audit --help`, `help audit`); an unknown command or a bad option prints the usage to
 * stderr (exit 2); any other failure prints its message to stderr (exit 1).
 */
export async function runCli(program: CliProgram, argv: string[]): Promise<void> {
  const [first = program.defaultCommand, ...rest] = argv;
  const find = (name: string | undefined) => program.commands.find((command) => command.name === name);
  if (helpWords.has(first)) {
    console.log(find(rest[0])?.help ?? overview(program));
    return;
  }
  const command = find(first);
  if (!command) {
    console.error(`Unknown command "${first}".\n\n${overview(program)}`);
    process.exitCode = 2;
    return;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return;
  }
  try {
    await command.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError || isParseArgsError(error)) {
      console.error(`${message}\n\n${command.help}`);
      process.exitCode = 2;
      return;
    }
    console.error(message);
    // Exit now rather than when the event loop drains: a command that failed half-way may still
    // hold a Redis client, a pool or a timer, and a server that failed to start would then live on
    // without listening, where no supervisor (restart policy, systemd) sees a failure to restart.
    process.exit(process.exitCode || 1);
  }
}
