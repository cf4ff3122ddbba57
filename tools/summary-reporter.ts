import type { Reporter, TestModule } from 'vitest/node';

/** Counts for the closing line. `failed` includes every failure outside a test body. */
interface RunCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** Files and suites that failed outside their tests: setup, teardown or collection. */
  failedOutsideTests: number;
}

/**
 * A file or suite that failed where no test can carry the failure: a beforeAll that throws (its
 * tests are then reported as skipped), an afterAll that throws (its tests passed), or a file that
 * cannot be collected. Suites are walked too, since their hook errors stay on the suite.
 */
function failuresOutsideTests(module: TestModule): number {
  const withErrors = [module, ...module.children.allSuites()].filter((suite) => suite.errors().length > 0);
  if (withErrors.length > 0) return withErrors.length;
  // A failed file with no error of its own and no failed test still failed somewhere: count it.
  const testFailed = [...module.children.allTests('failed')].length > 0;
  return module.state() === 'failed' && !testFailed ? 1 : 0;
}

/** Tallies a finished run. */
function countRun(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<unknown>,
): RunCounts {
  const counts = { passed: 0, failed: 0, skipped: 0, failedOutsideTests: unhandledErrors.length };
  for (const module of testModules) {
    counts.failedOutsideTests += failuresOutsideTests(module);
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') counts.passed += 1;
      else if (state === 'failed') counts.failed += 1;
      else counts.skipped += 1;
    }
  }
  counts.failed += counts.failedOutsideTests;
  return counts;
}

/** The closing line: CI greps `^[0-9]+ passed, [0-9]+ failed`, so that prefix never changes. */
function summaryLine(counts: RunCounts): string {
  const line = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
  if (counts.failedOutsideTests === 0) return line;
  return `${line} (${counts.failedOutsideTests} of the failures outside tests: setup, teardown, collection or unhandled errors)`;
}

/**
 * Prints one plain `N passed, N failed, N skipped` line at the end of a run: the line CI reads,
 * since it does not parse Vitest's own summary. A file or suite that fails outside its tests (a
 * throwing beforeAll skips its tests rather than failing them) counts as failed too.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    console.log(`\n${summaryLine(countRun(testModules, unhandledErrors))}`);
  }
}
