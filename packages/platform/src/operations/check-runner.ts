import { messageOf } from '../errors.ts';

/** How one check came out: `warn` does not fail the run, `skip` says why it did not apply. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was seen, in one line an operator can read. */
  detail: string;
  /** What to do about it (given whenever the status is not `pass`). */
  fix?: string;
}

/** What a check's run answers; the runner adds its name. */
export type CheckOutcome = Omit<CheckResult, 'name'>;

export interface Check {
  name: string;
  run(): Promise<CheckOutcome>;
}

/** Thrown by a check's helper when it can say what to do: the runner reports its fix. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
  readonly fix: string;

  constructor(message: string, fix: string) {
    super(message);
    this.fix = fix;
  }
}

export interface CheckReport {
  ok: boolean;
  checks: CheckResult[];
}

export const pass = (detail: string): CheckOutcome => ({ status: 'pass', detail });
export const fail = (detail: string, fix: string): CheckOutcome => ({ status: 'fail', detail, fix });
export const warn = (detail: string, fix: string): CheckOutcome => ({ status: 'warn', detail, fix });
export const skip = (detail: string, fix?: string): CheckOutcome => ({
  status: 'skip',
  detail,
  ...(fix ? { fix } : {}),
});

/**
 * Runs checks one after the other (some share one embedded connection, and the order is the
 * checklist's), each under a deadline so one hung dependency cannot hang the whole run. A check that
 * throws fails with its message: a check is never silently lost.
 */
export async function runChecks(
  checks: readonly Check[],
  options: { timeoutMs?: number } = {},
): Promise<CheckReport> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const results: CheckResult[] = [];
  for (const check of checks) {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<CheckOutcome>((resolve) => {
      timer = setTimeout(
        () =>
          resolve(
            fail(
              `did not finish within ${timeoutMs / 1000} s`,
              'Look at what this check depends on (network, database load).',
            ),
          ),
        timeoutMs,
      );
    });
    const outcome = await Promise.race([
      check
        .run()
        .catch((error: unknown) =>
          fail(
            messageOf(error),
            error instanceof CheckFailure ? error.fix : 'Read the message above; fix and run doctor again.',
          ),
        ),
      deadline,
    ]);
    clearTimeout(timer);
    results.push({ name: check.name, ...outcome });
  }
  return { ok: results.every((result) => result.status !== 'fail'), checks: results };
}

const marks: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' };

/** The report as an operator reads it on a terminal: one line per check, its fix indented below. */
export function formatReport(report: CheckReport): string {
  const width = Math.max(...report.checks.map((check) => check.name.length), 0);
  const lines = report.checks.flatMap((check) => [
    `${marks[check.status]}  ${check.name.padEnd(width)}  ${check.detail}`,
    ...(check.fix && check.status !== 'pass' ? [`      ${' '.repeat(width)}  fix: ${check.fix}`] : []),
  ]);
  const count = (status: CheckStatus) => report.checks.filter((check) => check.status === status).length;
  lines.push(
    '',
    `${report.ok ? 'OK' : 'FAILED'}: ${count('pass')} passed, ${count('fail')} failed, ${count('warn')} warnings, ${count('skip')} skipped`,
  );
  return lines.join('\n');
}

/** Prints the report (JSON with `--json`) and sets the exit code: 1 when any check failed. */
export function printReport(report: CheckReport, json: boolean): void {
  process.stdout.write(`${json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
  if (!report.ok) process.exitCode = 1;
}
