import { parseArgs } from 'node:util';
import { signServiceToken, signUserToken } from '@ours/platform/auth';
import { envToConfig, readEnv } from './config.ts';
import { jobsUsage, runJobCommand } from './jobs-command.ts';
import { resolveJwtSecret } from './jwt-secret.ts';
import { startServer } from './server.ts';
import { startWorker } from './worker.ts';

const usage = `Usage: npm run coach -- <command>
  serve                                   start the coach API and its jobs (default)
  worker                                  run the scheduled jobs without the API
${jobsUsage}
  token --email you@example.com [--user-id <uuid>] [--hours 24]
                                          print a user token signed with this service's secret
  token --service [--hours 1]             print a service-role token (for /admin routes)`;

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
    throw new Error('--hours must be between 0 and 720');
  const expiresInSeconds = Math.round(hours * 3600);
  if (values.service) {
    console.log(await signServiceToken(secret, { expiresInSeconds }));
    return;
  }
  if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) throw new Error('--email is required');
  const email = values.email.toLowerCase();
  const id = values['user-id'] ?? (await userIdFor(email));
  console.log(await signUserToken(secret, { id, email }, { expiresInSeconds }));
}

const [command = 'serve', ...rest] = process.argv.slice(2);
try {
  if (command === 'serve') await startServer();
  else if (command === 'worker') await startWorker();
  else if (command === 'jobs') await runJobCommand(rest);
  else if (command === 'token') await printToken(rest);
  else {
    console.error(usage);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
