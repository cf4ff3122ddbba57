import { messageOf } from '@ours/platform/errors';
import {
  type CheckOutcome,
  type CheckReport,
  type CheckResult,
  fail,
  pass,
  skip,
} from '@ours/platform/operations';
import { Secret, TOTP } from 'otpauth';

export interface VerifyDeploymentOptions {
  /** The lab's public base URL (https://lab.example.org). */
  url: string;
  email: string;
  password: string;
  /** The account's TOTP seed (base32) when it has MFA. */
  totpSecret?: string | undefined;
  timeoutMs?: number;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * The seed's post-deployment verification over HTTP alone, as a person would do it from outside:
 * health, the API docs, the web UI and its security headers, a sign-in with a real account (MFA
 * included), the audit trail read and verified, and a sign-out. Needs nothing but the URL and an
 * account with audit:read (a compliance officer or administrator).
 */
export async function verifyDeployment(options: VerifyDeploymentOptions): Promise<CheckReport> {
  const base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const request = async (path: string, init: RequestInit = {}): Promise<Answer> => {
    const response = await fetch(new URL(path.replace(/^\//, ''), base), {
      ...init,
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const json = (answer: Answer): Record<string, unknown> => {
    try {
      return JSON.parse(answer.text) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const errorOf = (answer: Answer) => {
    const error = json(answer).error as { code?: string; message?: string } | undefined;
    return error?.code ? `${error.code}: ${error.message}` : answer.text.slice(0, 120);
  };
  const results: CheckResult[] = [];
  const step = async (name: string, run: () => Promise<CheckOutcome>) => {
    let outcome: CheckOutcome;
    try {
      outcome = await run();
    } catch (error) {
      const cause = error instanceof Error && error.cause ? messageOf(error.cause) : messageOf(error);
      outcome = fail(
        `${base.origin}: ${cause}`,
        `Is the lab up and the URL right? Try: curl -v ${new URL('health', base)}`,
      );
    }
    results.push({ name, ...outcome });
    return outcome.status === 'pass';
  };

  let tokens: { access_token: string; refresh_token?: string } | undefined;
  const up = await step('health', async () => {
    const answer = await request('/health');
    const status = json(answer).status;
    if (answer.status === 200 && status === 'healthy') return pass(`GET /health: 200 ${status}`);
    return fail(
      `GET /health: ${answer.status} ${String(status ?? answer.text.slice(0, 80))}`,
      'Run npm run lab -- doctor on the host (or in the container) for the reason.',
    );
  });
  const unreachable = !up && results[0]?.detail.startsWith(base.origin);
  const skipped = async (name: string, why: string) => {
    results.push({ name, ...skip(why) });
    return false;
  };
  const gated = (name: string, run: () => Promise<CheckOutcome>) =>
    unreachable ? skipped(name, 'the server did not answer') : step(name, run);

  await gated('api docs', async () => {
    const [docs, document] = [await request('/docs'), await request('/docs/json')];
    const openapi = json(document).openapi;
    if (docs.status === 200 && document.status === 200 && typeof openapi === 'string') {
      return pass(
        `GET /docs: 200; GET /docs/json: OpenAPI ${openapi}, ${Object.keys(json(document).paths ?? {}).length} paths`,
      );
    }
    return fail(
      `GET /docs: ${docs.status}; GET /docs/json: ${document.status}`,
      'A proxy in front of the lab must pass /docs through.',
    );
  });
  let home: Answer | undefined;
  await gated('web ui', async () => {
    home = await request('/');
    const html = (home.headers.get('content-type') ?? '').includes('text/html');
    if (home.status === 200 && html) return pass(`GET /: 200 ${home.headers.get('content-type')}`);
    return fail(
      `GET /: ${home.status} ${home.headers.get('content-type') ?? ''}`,
      'The image serves the UI from LAB_WEB_UI_DIR (apps/lab-web/dist): build it (npm run build -w @ours/lab-web) or check the variable.',
    );
  });
  await gated('security headers', async () => {
    const answer = home ?? (await request('/health'));
    const https = base.protocol === 'https:';
    const missing = [
      ...(answer.headers.get('content-security-policy') ? [] : ['Content-Security-Policy']),
      ...(answer.headers.get('x-content-type-options') === 'nosniff'
        ? []
        : ['X-Content-Type-Options: nosniff']),
      ...(https && !answer.headers.get('strict-transport-security') ? ['Strict-Transport-Security'] : []),
    ];
    if (missing.length > 0) {
      return fail(
        `missing on GET /: ${missing.join(', ')}`,
        'A proxy in front of the lab must not strip these headers (or must add them).',
      );
    }
    return pass(`CSP, nosniff${https ? ', HSTS' : ' (HSTS not expected over http)'} present`);
  });
  await gated('sign in', async () => {
    const login = await request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: options.email, password: options.password }),
    });
    if (login.status !== 200) {
      return fail(
        `POST /auth/login: ${login.status} ${errorOf(login)}`,
        'Check the e-mail and LAB_VERIFY_PASSWORD; a locked account unlocks after LAB_LOCKOUT_MINUTES.',
      );
    }
    const body = json(login);
    if (body.mfa_required !== true) {
      tokens = body as typeof tokens;
      return pass(`POST /auth/login: 200 as ${options.email}`);
    }
    if (!options.totpSecret) {
      return fail(
        'the account has MFA and no TOTP secret was given',
        'Pass --totp-secret <base32> or LAB_VERIFY_TOTP, or use an account without MFA.',
      );
    }
    const totp = new TOTP({
      secret: Secret.fromBase32(options.totpSecret.replaceAll(' ', '').toUpperCase()),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    const mfa = await request('/auth/mfa', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mfa_token: body.mfa_token, code: totp.generate() }),
    });
    if (mfa.status !== 200) {
      return fail(
        `POST /auth/mfa: ${mfa.status} ${errorOf(mfa)}`,
        "Check the TOTP secret and this machine's clock (codes change every 30 s).",
      );
    }
    tokens = json(mfa) as typeof tokens;
    return pass(`POST /auth/login + /auth/mfa: 200 as ${options.email}`);
  });
  const signedIn = () => tokens !== undefined;
  const authorised = (name: string, run: () => Promise<CheckOutcome>) =>
    signedIn() ? step(name, run) : skipped(name, 'not signed in');
  const auth = () => ({ authorization: `Bearer ${tokens?.access_token}` });
  await authorised('audit trail readable', async () => {
    const answer = await request('/api/compliance/audit?limit=1', { headers: auth() });
    if (answer.status !== 200) {
      return fail(
        `GET /api/compliance/audit: ${answer.status} ${errorOf(answer)}`,
        'Use an account with audit:read (compliance or admin role).',
      );
    }
    const newest = (json(answer).items as { seq?: number; action?: string }[] | undefined)?.[0];
    return pass(
      `GET /api/compliance/audit: 200, newest entry ${newest ? `${newest.seq} ${newest.action}` : 'none'}`,
    );
  });
  await authorised('audit trail valid', async () => {
    const answer = await request('/api/compliance/audit/verify', { headers: auth() });
    const body = json(answer);
    if (answer.status === 200 && body.valid === true) {
      return pass(`GET /api/compliance/audit/verify: valid, ${body.checked} entries`);
    }
    return fail(
      `GET /api/compliance/audit/verify: ${answer.status} ${body.valid === false ? `broken at entry ${body.first_invalid_seq}: ${body.reason}` : errorOf(answer)}`,
      'Treat a broken trail as an incident: run npm run lab -- doctor on the host; do not sign anything until it is understood.',
    );
  });
  await authorised('sign out', async () => {
    if (!tokens?.refresh_token) return skip('no refresh token to end (browser session)');
    const answer = await request('/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: tokens.refresh_token }),
    });
    if (answer.status === 204) return pass('POST /auth/logout: 204');
    return fail(
      `POST /auth/logout: ${answer.status} ${errorOf(answer)}`,
      "The session stays until its refresh token expires; look at the lab's log.",
    );
  });
  return { ok: results.every((result) => result.status !== 'fail'), checks: results };
}
