import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fieldOf } from '@ours/platform/errors';
import { type CheckOutcome, fail, pass, probeHttp, skip, warn } from '@ours/platform/operations';
import type { CoachConfig } from '../../config.ts';

/** The generated token secret of the embedded default, without creating it. */
export async function jwtSecretFile(
  config: CoachConfig,
): Promise<{ file: string; value: string; mode: number } | undefined> {
  const file = join(config.dataDir, 'jwt-secret');
  try {
    const [value, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { file, value: value.trim(), mode: info.mode & 0o777 };
  } catch (error) {
    if (fieldOf(error, 'code') === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The coach verifies tokens with JWT_SECRET (HS256; Supabase's legacy secret) or JWKS_URL; with a
 * real database one of them must be set, and a secret must be long and random. Never prints it.
 */
export async function coachSecretsOutcome(
  config: CoachConfig,
  env: NodeJS.ProcessEnv,
): Promise<CheckOutcome> {
  const generate =
    "JWT_SECRET=$(openssl rand -base64 48) (or JWT_SECRET_FILE=<path>), or JWKS_URL=<your issuer's JWKS>";
  const { jwtSecret, jwksUrl } = config.auth;
  let secret = jwtSecret;
  let source = 'JWT_SECRET from the environment';
  if (!secret && !jwksUrl) {
    if (config.database.url) return fail('neither JWT_SECRET nor JWKS_URL is set', generate);
    const found = await jwtSecretFile(config);
    if (!found)
      return warn(
        `no token secret yet (the first start writes ${join(config.dataDir, 'jwt-secret')})`,
        'Start the coach once, or set JWT_SECRET.',
      );
    if ((found.mode & 0o077) !== 0)
      return fail(
        `${found.file} is readable by others (mode ${found.mode.toString(8)})`,
        `chmod 600 ${found.file}`,
      );
    secret = found.value;
    source = found.file;
  }
  const notes: string[] = [];
  if (secret) {
    if (secret.length < 32 || new Set(secret).size < 12)
      return fail(`the token secret (${source}) is weak: short or not random`, generate);
    if (env.LAB_JWT_SECRET !== undefined && env.LAB_JWT_SECRET === secret) {
      return fail(
        "JWT_SECRET is the lab's LAB_JWT_SECRET",
        'Give each service its own secret (openssl rand -base64 48 for each).',
      );
    }
    notes.push(`${source}: set and strong`);
  }
  if (jwksUrl) {
    const probe = await probeHttp(jwksUrl, { timeoutMs: 3_000 });
    if (!probe.ok) {
      return fail(
        `JWKS_URL ${jwksUrl}: ${probe.status ?? probe.error}`,
        'Check JWKS_URL (Supabase: https://<ref>.supabase.co/auth/v1/.well-known/jwks.json) and that this host can reach it.',
      );
    }
    notes.push(`JWKS_URL answered ${probe.status} in ${probe.ms} ms`);
  }
  return pass(notes.join('; '));
}

/**
 * The model endpoint answers GET /models with the key (OpenAI and compatible servers do), within a
 * short deadline; the configured model should be among those it lists. The key is never printed.
 */
export async function modelEndpointOutcome(config: CoachConfig): Promise<CheckOutcome> {
  const llm = config.llm;
  if (!llm.configured)
    return skip(
      'no model configured (OPENAI_API_KEY / OPENAI_BASE_URL unset): /ask answers from its fallback',
    );
  const base = llm.baseURL ?? 'https://api.openai.com/v1';
  const url = `${base.replace(/\/$/, '')}/models`;
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${llm.apiKey}` },
      signal: AbortSignal.timeout(5_000),
    });
  } catch (error) {
    const reason =
      error instanceof DOMException && error.name === 'TimeoutError'
        ? 'no answer within 5 s'
        : String(
            fieldOf(error, 'cause')
              ? (fieldOf(fieldOf(error, 'cause'), 'code') ?? fieldOf(error, 'cause'))
              : error,
          );
    return fail(
      `GET ${url}: ${reason}`,
      'Check OPENAI_BASE_URL and that this host can reach it (proxy, firewall, DNS).',
    );
  }
  const ms = Math.round(performance.now() - started);
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    return fail(
      `GET ${url}: ${response.status}, the key was refused`,
      'Set a valid OPENAI_API_KEY (or OPENAI_API_KEY_FILE).',
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    return fail(
      `GET ${url}: ${response.status} in ${ms} ms`,
      "Look at the model server's own status; the coach falls back to a canned answer meanwhile.",
    );
  }
  const body = (await response.json().catch(() => ({}))) as { data?: { id?: string }[] };
  const ids = (body.data ?? []).map((model) => model.id);
  if (ids.length > 0 && !ids.includes(llm.model)) {
    return warn(
      `GET ${url}: 200 in ${ms} ms, but ${llm.model} is not among its ${ids.length} models`,
      'Set OPENAI_MODEL to a model the endpoint serves.',
    );
  }
  return pass(`GET ${url}: 200 in ${ms} ms${ids.length ? `, serves ${llm.model}` : ''}`);
}
