import { defineConfig } from 'vitest/config';

// Every suite runs twice: on embedded PGlite and on the real PostgreSQL server.
const backends = ['pglite', 'postgres'] as const;

export default defineConfig({
  test: {
    reporters: ['default', './tools/summary-reporter.ts'],
    projects: [
      ...backends.map((backend) => ({
        test: {
          name: backend,
          include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
          // The web UI's tests drive a browser against a lab server process of their own (below).
          exclude: ['apps/lab-web/**', '**/node_modules/**'],
          env: { TEST_DB: backend },
          globalSetup: ['apps/coach/test/support/global-setup.ts', 'apps/lab/test/support/global-setup.ts'],
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          teardownTimeout: 30_000,
        },
      })),
      // The web UI in Debian's Chromium against real lab servers on PostgreSQL (each file starts its
      // own on a fresh database): two files at a time, since each runs a server and a browser.
      {
        test: {
          name: 'browser',
          include: ['apps/lab-web/test/**/*.test.ts'],
          env: { TEST_DB: 'postgres' },
          globalSetup: ['apps/lab-web/test/support/global-setup.ts'],
          pool: 'forks',
          maxWorkers: 2,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      // The repository's own tools (summary reporter, `npm start`): no test database, run once.
      {
        test: {
          name: 'tools',
          include: ['tools/test/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
