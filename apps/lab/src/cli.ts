import { parseArgs } from 'node:util';
import { createProgressBar, promptHidden } from '@ours/platform/cli';
import { envToConfig, readEnv } from './config.ts';
import type { LabContext } from './context.ts';
import { closeContext, createContext } from './create-context.ts';
import { ensureAdmin } from './modules/accounts/setup.service.ts';
import { auditHead } from './modules/audit/audit.repository.ts';
import { verifyAuditTrail } from './modules/audit/audit.service.ts';
import { checkpointIfDue } from './modules/audit/checkpoint-job.ts';
import { seedDemo } from './modules/demo/seed-demo.ts';
import { startServer } from './server.ts';

const usage = `Usage: npm run lab -- <command>
  serve                                   start the lab API (default)
  create-admin --email <e-mail> [--full-name "Name"]
                                          create an administrator, or make an existing account one;
                                          password from LAB_ADMIN_PASSWORD or a hidden prompt
  audit verify                            walk the whole audit chain from genesis (exit 1 if broken)
  audit checkpoint                        sign a checkpoint of the chain's head now if one is due
  seed-demo                               fill the main lab with demo data (after create-admin)
On the embedded database, stop the server first: one process at a time can open it.`;

const cliActor = { actor_id: null, actor_email: 'system:cli', request_id: null, client_ip: null };

async function withContext<T>(fn: (ctx: LabContext) => Promise<T>): Promise<T> {
  const ctx = await createContext(envToConfig(readEnv()));
  try {
    return await fn(ctx);
  } finally {
    await closeContext(ctx);
  }
}

async function createAdmin(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { email: { type: 'string' }, 'full-name': { type: 'string' } },
  });
  if (!values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) throw new Error('--email is required');
  const password = process.env.LAB_ADMIN_PASSWORD ?? (await promptHidden(`Password for ${values.email}: `));
  const result = await withContext((ctx) =>
    ensureAdmin(
      ctx,
      { email: values.email as string, full_name: values['full-name'] ?? (values.email as string), password },
      cliActor,
    ),
  );
  console.log(
    result.created
      ? `Created administrator ${result.user.email} (${result.user.id})`
      : `${result.user.email} already exists; roles now: ${result.user.roles.join(', ')} (password unchanged)`,
  );
}

async function audit(args: string[]): Promise<void> {
  const [action] = args;
  if (action === 'checkpoint') {
    const checkpoint = await withContext((ctx) => checkpointIfDue(ctx));
    console.log(
      checkpoint
        ? `Signed checkpoint at entry ${checkpoint.seq} (key ${checkpoint.key_id})`
        : 'No checkpoint due',
    );
    return;
  }
  if (action !== 'verify') throw new Error(usage);
  const result = await withContext(async (ctx) => {
    const total = (await ctx.db.transaction(auditHead)).seq;
    const bar = createProgressBar('Verifying audit trail');
    const verification = await verifyAuditTrail(ctx, (checked) => bar.update(checked, total));
    bar.done();
    return verification;
  });
  console.log(JSON.stringify(result, null, 2));
  if (!result.valid) {
    console.error(`The audit trail is BROKEN at entry ${result.first_invalid_seq}: ${result.reason}`);
    process.exitCode = 1;
  } else {
    const entries = result.checked === 1 ? 'entry' : 'entries';
    console.log(
      `The audit trail is intact: ${result.checked} ${entries} from genesis to ${result.head_hash}`,
    );
  }
}

const [command = 'serve', ...rest] = process.argv.slice(2);
try {
  if (command === 'serve') await startServer({ demo: rest.includes('--demo') });
  else if (command === 'create-admin') await createAdmin(rest);
  else if (command === 'audit') await audit(rest);
  else if (command === 'seed-demo') {
    const summary = await withContext((ctx) => seedDemo(ctx));
    console.log(
      `Demo data added: ${Object.entries(summary)
        .map(([what, count]) => `${count} ${what}`)
        .join(', ')}`,
    );
  } else {
    console.error(usage);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = process.exitCode || 1;
}
