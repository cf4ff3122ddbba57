import { freePort, type PrivatePostgres, startPrivatePostgres, waitFor } from '@ours/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabProcess, type Ledger, labProcess, startLoad } from './support/crash-load.ts';
import { goodPassword, testSecrets } from './support/lab-app.ts';

// kill -9 needs processes: the lab as a child process, and PostgreSQL as a cluster of the test's own
// (initdb into a temporary directory, durable settings), so crashing it touches no other test.
const onServer = process.env.TEST_DB === 'postgres';
const adminEmail = 'admin@durability.test';

describe.runIf(onServer)(
  'an acknowledged write is durable and chained (kill -9 under load)',
  {
    timeout: 180_000,
  },
  () => {
    let postgres: PrivatePostgres;
    let lab: LabProcess;
    let token: string;

    const owner = async <Row extends object>(text: string, values: unknown[] = []) => {
      const client = new pg.Client({ connectionString: postgres.url('lab') });
      await client.connect();
      try {
        return (await client.query<Row>(text, values)).rows;
      } finally {
        await client.end();
      }
    };

    beforeAll(async () => {
      postgres = await startPrivatePostgres();
      const admin = new pg.Client({ connectionString: postgres.url() });
      await admin.connect();
      await admin.query('CREATE DATABASE lab').finally(() => admin.end());
      const env = {
        PATH: process.env.PATH ?? '',
        ...testSecrets,
        DATABASE_URL: postgres.url('lab', 'lab_app'),
        DATABASE_ADMIN_URL: postgres.url('lab'),
        LOG_LEVEL: 'warn',
        LAB_WEB_UI_DIR: '',
        USER_RATE_LIMIT_PER_MINUTE: '10000000',
        LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
        LAB_ACCESS_TOKEN_MINUTES: '60',
        // Load shedding is not under test: on a busy 2-core machine it would only thin the load.
        MAX_EVENT_LOOP_DELAY_MS: '0',
      };
      // The first start migrates the empty database (creating lab_app) and, with no account yet,
      // prints a one-time setup token: the administrator comes from it, as an operator's would.
      lab = labProcess(await freePort(), env);
      await lab.start();
      let setupToken = '';
      await waitFor(
        () => {
          setupToken = /\(token: ([A-Za-z0-9_-]+)\)/.exec(lab.printed())?.[1] ?? '';
          return setupToken !== '';
        },
        30_000,
        'the setup token to be printed',
      );
      const setup = await fetch(`${lab.url}/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          setup_token: setupToken,
          email: adminEmail,
          full_name: 'Durability Admin',
          password: goodPassword,
        }),
      });
      expect(setup.status).toBe(201);
      const login = await fetch(`${lab.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: adminEmail, password: goodPassword }),
      });
      expect(login.status).toBe(200);
      token = ((await login.json()) as { access_token: string }).access_token;
    }, 120_000);

    afterAll(async () => {
      await lab?.kill();
      await postgres?.close();
    }, 60_000);

    /** Loads the lab until it has acknowledged enough writes to be mid-load for sure, then `crash`es. */
    const crashUnderLoad = async (prefix: string, crash: () => Promise<void>) => {
      const load = startLoad(lab.url, token, prefix);
      await waitFor(
        () => load.ledger.creates.length >= 48 && load.ledger.updates.length >= 8,
        60_000,
        'acknowledged writes before the crash',
      );
      // The clients are still sending: writes are in flight, some between their COMMIT and its reply.
      await crash();
      return load.stop();
    };

    /**
     * Asserted straight after the crash, before any lab server runs on the database again and
     * without waiting: every acknowledged create and change is there, and so is its chain entry
     * (found by the request id it was sent with). An entry finished later (by a sealer at the next
     * start, say) would not be there yet: acknowledged must mean entered.
     */
    const expectAcknowledgedWritesKept = async (ledger: Ledger) => {
      const ids = ledger.creates.map((write) => write.id);
      const samples = await owner<{ id: string; sample_id: string; metadata: { mark?: string } }>(
        'SELECT id, sample_id, metadata FROM samples WHERE id = ANY($1::uuid[])',
        [ids],
      );
      const byId = new Map(samples.map((sample) => [sample.id, sample]));
      const missing = ledger.creates.filter((write) => byId.get(write.id)?.sample_id !== write.sampleId);
      expect(missing, 'acknowledged samples lost').toEqual([]);
      const lostChanges = ledger.updates.filter((write) => byId.get(write.id)?.metadata.mark !== write.mark);
      expect(lostChanges, 'acknowledged changes lost').toEqual([]);

      const entries = await owner<{ request_id: string; action: string; entity_id: string }>(
        `SELECT request_id, action, entity_id FROM audit_entries
        WHERE entity_type = 'sample' AND request_id = ANY($1::text[])`,
        [[...ledger.creates, ...ledger.updates].map((write) => write.requestId)],
      );
      const entryOf = new Map(entries.map((entry) => [entry.request_id, entry]));
      const unaudited = [
        ...ledger.creates.map((write) => ({ ...write, action: 'sample.create' })),
        ...ledger.updates.map((write) => ({ ...write, action: 'sample.update' })),
      ].filter((write) => {
        const entry = entryOf.get(write.requestId);
        return entry?.action !== write.action || entry.entity_id !== write.id;
      });
      expect(unaudited, 'acknowledged writes without their audit entry').toEqual([]);
    };

    /**
     * Asserted within a short wait (a sealer that chains entries after their commit may still be
     * catching up after the restart): every sample and every change in the database, acknowledged or
     * not, has its entry; the chain is gapless and verifies through the API (hashes, links, seals).
     */
    const expectChainComplete = async () => {
      let problem = '';
      await waitFor(
        async () => {
          // Every sample of the database, and every change of one (its mark), has its entry.
          const unaudited = await owner<{ sample_id: string }>(
            `SELECT s.sample_id FROM samples s
              WHERE NOT EXISTS (SELECT 1 FROM audit_entries e WHERE e.entity_type = 'sample'
                                  AND e.entity_id = s.id::text AND e.action = 'sample.create')
                 OR (s.metadata ? 'mark' AND NOT EXISTS (
                      SELECT 1 FROM audit_entries e WHERE e.entity_type = 'sample' AND e.entity_id = s.id::text
                         AND e.action = 'sample.update' AND e.after -> 'metadata' ->> 'mark' = s.metadata ->> 'mark'))`,
          );
          const [numbers] = await owner<{ count: string; first: string; last: string; unsealed: string }>(
            `SELECT count(*) AS count, min(seq) AS first, max(seq) AS last,
                  count(*) FILTER (WHERE hash IS NULL OR mac IS NULL) AS unsealed FROM audit_entries`,
          );
          const verification = await fetch(`${lab.url}/api/compliance/audit/verify`, {
            headers: { authorization: `Bearer ${token}` },
          }).then(
            (response) => response.json() as Promise<{ valid: boolean; checked: number }>,
            (error: Error) => ({ valid: false, checked: 0, error: error.message }),
          );
          const gapless = numbers?.first === '1' && numbers.count === numbers.last;
          problem = JSON.stringify({ unaudited: unaudited.slice(0, 5), numbers, verification });
          return (
            unaudited.length === 0 &&
            gapless &&
            numbers.unsealed === '0' &&
            verification.valid &&
            verification.checked >= Number(numbers.last)
          );
        },
        20_000,
        'every sample audited and the chain verified',
      ).catch((error: Error) => {
        throw new Error(`${error.message}: ${problem}`);
      });
    };

    /** How many writes the crash caught in flight: committed (with their entries) but never acknowledged. */
    const tally = async (prefix: string, ledger: Ledger) => {
      const [row] = await owner<{ count: string }>('SELECT count(*) FROM samples WHERE sample_id LIKE $1', [
        `${prefix}-%`,
      ]);
      return `${ledger.creates.length} creates and ${ledger.updates.length} changes acknowledged; ${
        Number(row?.count) - ledger.creates.length
      } samples committed unacknowledged`;
    };

    it('kill -9 of the lab server: every acknowledged sample and change is kept, with its verified entry', async ({
      annotate,
    }) => {
      const ledger = await crashUnderLoad('SRV', () => lab.kill());
      // Before any server runs again: nothing may finish an acknowledged write's entry afterwards.
      await expectAcknowledgedWritesKept(ledger);
      await lab.start();
      await expectChainComplete();
      await annotate(await tally('SRV', ledger));
    });

    it('kill -9 of PostgreSQL: every acknowledged sample and change is kept, with its verified entry', async ({
      annotate,
    }) => {
      if (!lab.running()) await lab.start();
      const ledger = await crashUnderLoad('PG', () => postgres.crash());
      // Crash recovery replays the WAL: acknowledged means in it, with the entry.
      await postgres.start();
      await expectAcknowledgedWritesKept(ledger);
      // The lab server either rides the crash out (answering 5xx, then reconnecting: /health turns
      // 200 once its database check passes) or exits, and is then restarted as an orchestrator would.
      await waitFor(
        async () =>
          !lab.running() ||
          fetch(`${lab.url}/health`).then(
            (response) => response.status === 200,
            () => false,
          ),
        60_000,
        'the lab to reconnect or exit',
      );
      if (lab.running()) {
        await annotate('the lab server stayed up through the database crash and reconnected');
      } else {
        await annotate(
          `the lab server exited on the database crash and was restarted\n${lab.printed().slice(-1_500)}`,
        );
        await lab.start();
      }
      await expectChainComplete();
      await annotate(await tally('PG', ledger));
      // Writes after the recovery go on the same chain.
      const after = await fetch(`${lab.url}/api/samples`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sample_id: 'PG-after', sample_type: 'powder', quantity: 1, unit: 'mg' }),
      });
      expect(after.status).toBe(201);
      await expectChainComplete();
    });
  },
);
