import { parseArgs } from 'node:util';
import { signServiceToken, signUserToken } from '@ours/platform/auth';
import { type CliCommand, runCli, UsageError } from '@ours/platform/cli';
import { loadEnvFile } from '@ours/platform/config';
import { messageOf } from '@ours/platform/errors';
import { envToConfig, readEnv } from './config.ts';
import { jobsCommand } from './jobs-command.ts';
import { resolveJwtSecret } from './jwt-secret.ts';
import { backupCommand, doctorCommand, restoreCommand } from './modules/operations/operations.commands.ts';
import { serviceTokenIssuer } from './modules/shared/service-role.ts';
import { startServer } from './server.ts';
import { startWorker } from './worker.ts';

/** Derives a stable user id from the e-mail so repeated tokens act as the same user. */
async function userIdFor(email: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`coach-user:${email}`)),
  );
  const hex = [...digest.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  // Shape the digest as a version-4-style uuid so it passes the `sub` check.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

async function printToken(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      'user-id': { type: 'string' },
      hours: { type: 'string' },
      service: { type: 'boolean', default: false },
    },
  });
  const config = envToConfig(readEnv());
  const secret = await resolveJwtSecret(config);
  if (!secret) throw new Error('This service verifies tokens through JWKS_URL only; it cannot sign tokens');
  const hours = Number(values.hours ?? (values.service ? 1 : 24));
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30)
    throw new UsageError('--hours must be between 0 and 720');
  const expiresInSeconds = Math.round(hours * 3600);
  if (values.service) {
    console.log(await signServiceToken(secret, { issuer: serviceTokenIssuer, expiresInSeconds }));
    return;
  }
  if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) {
    throw new UsageError('--email <e-mail> (or --service) is required');
  }
  const email = values.email.toLowerCase();
  const id = values['user-id'] ?? (await userIdFor(email));
  console.log(await signUserToken(secret, { id, email }, { expiresInSeconds }));
}

const serve: CliCommand = {
  name: 'serve',
  summary: 'start the coach API and its jobs (the default command)',
  help: `Usage: npm run coach -- serve
  Starts the coach API and its scheduled jobs (HOST, PORT, ... from the environment or .env;
  see README.md). JOBS_ENABLED=false serves HTTP only.`,
  run: async (args) => {
    parseArgs({ args, options: {} });
    await startServer();
  },
};

const worker: CliCommand = {
  name: 'worker',
  summary: 'run the scheduled jobs without the API',
  help: `Usage: npm run coach -- worker
  Runs the scheduled and queued jobs without the HTTP API, on the same database.`,
  run: async (args) => {
    parseArgs({ args, options: {} });
    await startWorker();
  },
};

const token: CliCommand = {
  name: 'token',
  summary: "print a token signed with this service's secret",
  help: `Usage: npm run coach -- token --email you@example.com [--user-id <uuid>] [--hours 24]
       npm run coach -- token --service [--hours 1]
  Prints a user token (the same e-mail always gives the same user id), or a service-role token
  for the /admin routes, signed with JWT_SECRET (generated in COACH_DATA_DIR when embedded).`,
  run: printToken,
};

try {
  loadEnvFile();
} catch (error) {
  console.error(messageOf(error));
  process.exit(1);
}
await runCli(
  {
    invocation: 'npm run coach --',
    commands: [serve, worker, jobsCommand, token, doctorCommand, backupCommand, restoreCommand],
    defaultCommand: 'serve',
    notes:
      'Configuration comes from the environment and from .env in the working directory (the environment wins).',
  },
  process.argv.slice(2),
);
