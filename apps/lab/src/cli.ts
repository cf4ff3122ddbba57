import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type CliCommand,
  createProgressBar,
  createStepProgress,
  printData,
  promptHidden,
  runCli,
  UsageError,
} from '@ours/platform/cli';
import { loadEnvFile } from '@ours/platform/config';
import { messageOf } from '@ours/platform/errors';
import { buildApp } from './app.ts';
import { envToConfig, readEnv } from './config.ts';
import type { LabContext } from './context.ts';
import { closeContext, createContext } from './create-context.ts';
import { ensureAdmin } from './modules/accounts/setup.service.ts';
import { auditHead } from './modules/audit/audit.repository.ts';
import { verifyAuditTrail } from './modules/audit/audit.service.ts';
import { checkpointIfDue } from './modules/audit/checkpoint.service.ts';
import { ensureDemoData } from './modules/demo/demo-data.service.ts';
import {
  backupCommand,
  doctorCommand,
  restoreCommand,
  verifyDeploymentCommand,
} from './modules/operations/operations.commands.ts';
import { startServer } from './server.ts';

const cliActor = { actor_id: null, actor_email: 'system:cli', request_id: null, client_ip: null };

/**
 * Runs `fn` on the lab's database. On the embedded database a running server holds the directory
 * lock: say which process, and what to do instead (`whileServing`) of just failing.
 */
async function withContext<T>(fn: (ctx: LabContext) => Promise<T>, whileServing: string): Promise<T> {
  const config = envToConfig(readEnv());
  const ctx = await createContext(config).catch((error: unknown) => {
    const holder = error instanceof Error && /is in use by process (\d+)/.exec(error.message)?.[1];
    if (!holder) throw error;
    const url = `http://${config.http.host}:${config.http.port}`;
    throw new Error(
      [
        `The lab's embedded database (${config.database.dataDir}) is open in process ${holder}, the running lab server: one process at a time can open it.`,
        whileServing.replaceAll('{url}', url),
        'Or stop the server (Ctrl+C in its terminal) and run this command again.',
      ].join('\n'),
    );
  });
  try {
    return await fn(ctx);
  } finally {
    await closeContext(ctx);
  }
}

const serve: CliCommand = {
  name: 'serve',
  summary: 'start the lab API (the default command)',
  help: `Usage: npm run lab -- serve [--demo]
  Starts the lab API (HOST, PORT, ... from the environment or .env; see README.md).
  --demo   also fill the main lab with demo data once listening, unless it is there already
           (the same as LAB_DEMO_DATA=true; needs an administrator)`,
  run: async (args) => {
    const { values } = parseArgs({ args, options: { demo: { type: 'boolean', default: false } } });
    await startServer({ demo: values.demo ?? false });
  },
};

const createAdmin: CliCommand = {
  name: 'create-admin',
  summary: 'create an administrator, or make an existing account one',
  help: `Usage: npm run lab -- create-admin --email <e-mail> [--full-name "Name"]
  Creates an administrator (or grants an existing account the admin role); running it again
  changes nothing. The password comes from LAB_ADMIN_PASSWORD, or a hidden prompt.`,
  run: async (args) => {
    const { values } = parseArgs({
      args,
      options: { email: { type: 'string' }, 'full-name': { type: 'string' } },
    });
    const email = values.email;
    if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) throw new UsageError('--email <e-mail> is required');
    const password = process.env.LAB_ADMIN_PASSWORD ?? (await promptHidden(`Password for ${email}: `));
    const result = await withContext(
      (ctx) => ensureAdmin(ctx, { email, full_name: values['full-name'] ?? email, password }, cliActor),
      'Create accounts through it instead: POST {url}/api/admin/users as an administrator, or the one-time setup token it printed.',
    );
    console.log(
      result.created
        ? `Created administrator ${result.user.email} (${result.user.id})`
        : `${result.user.email} already exists; roles now: ${result.user.roles.join(', ')} (password unchanged)`,
    );
  },
};

async function verify(): Promise<void> {
  const result = await withContext(async (ctx) => {
    const total = (await ctx.db.transaction(auditHead)).seq;
    const bar = createProgressBar('Verifying audit trail');
    const verification = await verifyAuditTrail(ctx, (checked) => bar.update(checked, total));
    bar.done();
    return verification;
  }, 'Verify through it instead: GET {url}/api/compliance/audit/verify with an audit:read token.');
  printData(result);
  if (!result.valid) {
    console.error(`The audit trail is BROKEN at entry ${result.first_invalid_seq}: ${result.reason}`);
    process.exitCode = 1;
    return;
  }
  const entries = result.checked === 1 ? 'entry' : 'entries';
  console.error(
    `The audit trail is intact: ${result.checked} ${entries} from genesis to ${result.head_hash}`,
  );
}

const audit: CliCommand = {
  name: 'audit',
  summary: 'verify the audit chain, or sign a checkpoint',
  help: `Usage: npm run lab -- audit <verify|checkpoint>
  verify       walk the whole audit chain from genesis; prints the result as JSON
               ({ valid, checked, first_invalid_seq, reason, head_hash, last_checkpoint }); exit 1 if broken
  checkpoint   sign a checkpoint of the chain's head now, if one is due`,
  run: async (args) => {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    const [action, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}`);
    if (action === 'verify') return verify();
    if (action !== 'checkpoint') {
      throw new UsageError(
        action ? `Unknown audit action "${action}"` : 'Say what to do: verify or checkpoint',
      );
    }
    const checkpoint = await withContext(
      (ctx) => checkpointIfDue(ctx),
      'The running server signs checkpoints itself when they are due.',
    );
    console.log(
      checkpoint
        ? `Signed checkpoint at entry ${checkpoint.seq} (key ${checkpoint.key_id})`
        : 'No checkpoint due',
    );
  },
};

const seedDemoCommand: CliCommand = {
  name: 'seed-demo',
  summary: 'fill the main lab with demo data and the demo workflow (after create-admin)',
  help: `Usage: npm run lab -- seed-demo
  Fills the main lab with demo records (samples with lineage, inventory, devices) and installs the
  demo workflow crystallization-monitoring, approved by a second demo user, with two simulated
  instruments to run it on; audited under the earliest administrator; does nothing if they are
  there already. Progress goes to stderr; what was added is printed to stdout as JSON, as
  POST /api/admin/demo-data answers it ({ "added": true, "counts": { "samples": 300, ... },
  "workflow": {...}, "approver": {...} }): the demo approver's generated password is shown there
  once and nowhere else.
  On a running server use POST /api/admin/demo-data, or start it with --demo, instead.`,
  run: async (args) => {
    parseArgs({ args, options: {} });
    const progress = createStepProgress('Seeding demo data');
    const outcome = await withContext(
      (ctx) => ensureDemoData(ctx, { onStep: progress.step }),
      [
        'Add the demo data through it instead, without stopping anything:',
        '  curl -X POST {url}/api/admin/demo-data -H "Authorization: Bearer <an administrator\'s access token>"',
        'or restart it with the demo data: npm run lab -- serve --demo (npm start -- --demo for both services).',
      ].join('\n'),
    );
    progress.done();
    printData(outcome);
    if (!outcome.added) console.error('The demo data is already there: nothing added.');
    else if (outcome.approver) {
      console.error(
        `Demo workflow approved by ${outcome.approver.email}: its password is in the output above, shown this once.`,
      );
    }
  },
};

const openApiCommand: CliCommand = {
  name: 'openapi',
  summary: 'print the OpenAPI document the API serves at /docs/json',
  help: `Usage: npm run lab -- openapi
  Prints the OpenAPI 3.1 document the lab serves at /docs/json, built on a scratch embedded database
  (so it needs no server and touches no data). The web UI's API types are generated from it:
  node tools/lab-api-types.ts.`,
  run: async (args) => {
    parseArgs({ args, options: {} });
    const scratch = await mkdtemp(join(tmpdir(), 'lab-openapi-'));
    try {
      const config = envToConfig({ LAB_DATA_DIR: join(scratch, 'lab'), LOG_LEVEL: 'silent' });
      const ctx = await createContext(config);
      try {
        const app = await buildApp(ctx);
        await app.ready();
        const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
        await app.close();
        process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      } finally {
        await closeContext(ctx);
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};

try {
  loadEnvFile();
} catch (error) {
  console.error(messageOf(error));
  process.exit(1);
}
await runCli(
  {
    invocation: 'npm run lab --',
    commands: [
      serve,
      createAdmin,
      audit,
      seedDemoCommand,
      openApiCommand,
      doctorCommand,
      verifyDeploymentCommand,
      backupCommand,
      restoreCommand,
    ],
    defaultCommand: 'serve',
    notes:
      'Configuration comes from the environment and from .env in the working directory (the environment wins).\n' +
      'On the embedded database one process at a time can open it: commands other than serve need the server stopped.',
  },
  process.argv.slice(2),
);
