import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitWithin, freePort, runScript, waitForHttp } from '@ours/platform/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { childDatabaseEnv } from './support/child-database.ts';
import { goodPassword } from './support/lab-app.ts';

const cli = new URL('../src/cli.ts', import.meta.url).pathname;
const demo = new URL('../src/modules/workflows/demo/crystallization-monitoring.json', import.meta.url);
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A real lab server process on that database. */
async function serve(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/health`, 60_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${stderr}`);
  });
  return { child, base };
}

/** JSON over HTTP against whichever server is up. */
function client(base: () => string) {
  return async (method: string, path: string, token: string | null, body?: unknown) => {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  };
}

describe('a lab server killed mid-run', { timeout: 180_000 }, () => {
  it('leaves the run to the next server: interrupted, then resumed from its last finished step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-killed-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const env = {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'warn',
      // Beats every second; another server takes a run as orphaned after 3 s of silence.
      LAB_RUN_ORPHAN_AFTER_S: '3',
      USER_RATE_LIMIT_PER_MINUTE: '100000',
      ...(await childDatabaseEnv(dir, cleanups)),
    };
    const admin = await runScript(cli, ['create-admin', '--email', 'admin@killed.test'], {
      env: { ...env, LAB_ADMIN_PASSWORD: goodPassword },
    });
    expect(admin.code, admin.stderr).toBe(0);

    let server = await serve(env);
    const api = client(() => server.base);
    const login = async (email: string) =>
      (await api('POST', '/auth/login', null, { email, password: goodPassword })).json.access_token as string;
    const adminToken = await login('admin@killed.test');
    const created = await api('POST', '/api/admin/users', adminToken, {
      email: 'scientist@killed.test',
      full_name: 'Sam Scientist',
      password: goodPassword,
      roles: ['scientist'],
    });
    expect(created.status).toBe(201);
    const scientist = await login('scientist@killed.test');
    const definition = JSON.parse(readFileSync(demo, 'utf8'));
    definition.steps[1].seconds = 0;
    expect((await api('POST', '/api/workflows', scientist, { definition })).status).toBe(201);
    await api('POST', `/api/workflows/${definition.name}/versions/1/submit`, scientist, {});
    const approved = await api('POST', `/api/workflows/${definition.name}/versions/1/approve`, adminToken, {
      password: goodPassword,
      reason: 'validated',
    });
    expect(approved.status).toBe(200);
    const devices: Record<string, string> = {};
    for (const [role, driver, settings] of [
      ['daq', 'sim-daq', {}],
      ['raman', 'sim-raman', { acquisition_s: 0, growth_acquisitions: 5, seed: 9 }],
    ] as const) {
      const device = await api('POST', '/api/devices', adminToken, {
        device_id: `KILL-${role}`,
        name: role,
        device_type: driver,
        calibration_interval_days: 365,
        driver,
        driver_settings: settings,
      });
      expect(device.status).toBe(201);
      await api('POST', '/api/calibration', adminToken, { device_id: device.json.id, result: 'pass' });
      devices[role] = device.json.id;
    }
    const run = await api('POST', '/api/runs', scientist, { workflow: definition.name, devices });
    expect(run.status).toBe(201);
    const runIn = async (statuses: string[]) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const found = await api('GET', `/api/runs/${run.json.id}`, scientist);
        if (statuses.includes(found.json.status)) return found.json;
        if (Date.now() > deadline) throw new Error(`run stuck in ${found.json.status}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const before = await runIn(['waiting_for_approval']);

    // kill -9: no shutdown hook runs, the run is left "waiting" with a heartbeat that stops.
    server.child.kill('SIGKILL');
    await exitWithin(server.child, 10_000);
    server = await serve(env);
    const interrupted = await runIn(['interrupted']);
    expect(interrupted).toMatchObject({ waiting_step: null, finished_at: null });
    // The devices stay the interrupted run's: nobody else may drive them meanwhile.
    expect(
      interrupted.devices.every((device: { released_at: string | null }) => device.released_at === null),
    ).toBe(true);

    const resumed = await api('POST', `/api/runs/${run.json.id}/resume`, scientist, {
      reason: 'after the crash',
    });
    expect(resumed.status).toBe(200);
    await runIn(['waiting_for_approval']);
    const signed = await api('POST', `/api/runs/${run.json.id}/approvals/review`, adminToken, {
      password: goodPassword,
      reason: 'checked after the crash',
    });
    expect(signed.status).toBe(200);
    const finished = await runIn(['completed', 'failed', 'aborted']);
    expect(finished.status).toBe('completed');
    const ids = finished.steps.map((step: { step_id: string }) => step.step_id);
    expect(ids.filter((id: string) => id === 'bias')).toHaveLength(1);
    expect(ids.slice(0, before.steps.length)).toEqual(
      before.steps.map((step: { step_id: string }) => step.step_id),
    );
    server.child.kill('SIGTERM');
    await exitWithin(server.child, 15_000);
  });
});
