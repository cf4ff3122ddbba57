import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDeployment } from '../src/modules/operations/verify-deployment.service.ts';
import { bearer, goodPassword, type TestAccount, useLabApp } from './support/lab-app.ts';
import { totpDevice } from './support/totp-device.ts';

const lab = useLabApp();
let url: string;
let auditor: TestAccount;

beforeAll(async () => {
  await lab.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(lab.app.server.address() as AddressInfo).port}`;
  auditor = await lab.user(['compliance']);
});

afterAll(async () => {
  await lab.app.close();
});

const statuses = (report: Awaited<ReturnType<typeof verifyDeployment>>) =>
  Object.fromEntries(report.checks.map((check) => [check.name, check.status]));

describe('verify-deployment', () => {
  it('passes every step against a running lab, over HTTP only', async () => {
    const report = await verifyDeployment({ url, email: auditor.email, password: goodPassword });
    expect(statuses(report)).toEqual({
      health: 'pass',
      'api docs': 'pass',
      'web ui': 'pass',
      'security headers': 'pass',
      'sign in': 'pass',
      'audit trail readable': 'pass',
      'audit trail valid': 'pass',
      'sign out': 'pass',
    });
    expect(report.ok).toBe(true);
    expect(JSON.stringify(report)).not.toContain(goodPassword);
  });

  it('fails the sign-in with a wrong password and skips what needs it', async () => {
    const report = await verifyDeployment({ url, email: auditor.email, password: 'not-the-password-1A!' });
    expect(report.ok).toBe(false);
    expect(report.checks.find((check) => check.name === 'sign in')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('401'),
      fix: expect.stringContaining('LAB_VERIFY_PASSWORD'),
    });
    expect(statuses(report)['audit trail valid']).toBe('skip');
    expect(statuses(report).health).toBe('pass');
  });

  it('signs in through MFA with the TOTP secret, and says what is missing without it', async () => {
    const user = await lab.user(['admin']);
    const started = await lab.app.inject({
      method: 'POST',
      url: '/auth/mfa/enrol',
      payload: { password: user.password },
      headers: bearer(user.token),
    });
    const uri: string = started.json().otpauth_uri;
    // Confirmed with the previous step's code, so the verification's code (this step) is not a replay.
    const code = totpDevice(uri).code(new Date(lab.clock.now().getTime() - 30_000));
    const confirmed = await lab.app.inject({
      method: 'POST',
      url: '/auth/mfa/confirm',
      payload: { code },
      headers: bearer(user.token),
    });
    expect(confirmed.statusCode).toBe(200);
    const without = await verifyDeployment({ url, email: user.email, password: goodPassword });
    expect(without.checks.find((check) => check.name === 'sign in')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('--totp-secret'),
    });
    const secret = new URL(uri).searchParams.get('secret') ?? '';
    const report = await verifyDeployment({
      url,
      email: user.email,
      password: goodPassword,
      totpSecret: secret,
    });
    expect(report.checks.find((check) => check.name === 'sign in')).toMatchObject({ status: 'pass' });
    expect(report.ok).toBe(true);
  });

  it('fails at once against a server that is down, skipping the rest', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const report = await verifyDeployment({
      url: `http://127.0.0.1:${port}`,
      email: auditor.email,
      password: goodPassword,
    });
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({
      name: 'health',
      status: 'fail',
      detail: expect.stringContaining('ECONNREFUSED'),
    });
    expect(report.checks.slice(1).every((check) => check.status === 'skip')).toBe(true);
  });
});
