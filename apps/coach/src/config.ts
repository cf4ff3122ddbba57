import {
  ConfigError,
  type DatabaseConfig,
  databaseConfigFromEnv,
  type Env,
  envBool,
  envInt,
  envStr,
  envUrl,
  type HttpConfig,
  httpConfigFromEnv,
  withSecretFiles,
} from '@ours/platform/config';
import { type TelemetryConfig, telemetryConfigFromEnv } from '@ours/platform/telemetry';
import { type AdminPageConfig, adminPageConfigFromEnv } from './modules/admin-page/admin-page-config.ts';
import { type AlertsConfig, alertsConfigFromEnv } from './modules/alerts/alerts-config.ts';
import { type BudgetsConfig, budgetsConfigFromEnv } from './modules/budgets/budgets-config.ts';
import { type ScheduleConfig, scheduleConfigFromEnv } from './modules/jobs/schedule-config.ts';
import type { OpenAiLlmOptions } from './modules/llm/openai-llm-client.ts';
import { type PushConfig, pushConfigFromEnv } from './modules/push/push-config.ts';
import { type UsageConfig, usageConfigFromEnv } from './modules/usage/usage-config.ts';

/**
 * The variables that may instead be given as `NAME_FILE`, a file holding the value: the secrets
 * (kept out of the environment that way), and the price table, which is at home in a mounted file.
 */
const fileVariables = [
  'JWT_SECRET',
  'OPENAI_API_KEY',
  'DATABASE_URL',
  'DATABASE_ADMIN_URL',
  'REDIS_URL',
  'ALERT_WEBHOOK_URL',
  // Not a secret: a price table is more at home in a mounted file than in one variable.
  'MODEL_PRICES',
  'EXPO_ACCESS_TOKEN',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
] as const;

/**
 * Everything the coach reads from the environment, raw (`NAME_FILE` read into `NAME`); no other
 * file touches `process.env`.
 */
export function readEnv(env: Env = process.env): Env {
  return withSecretFiles(env, fileVariables);
}

export interface CoachConfig {
  service: { name: string; version: string };
  /** Trace export (OTEL_* variables); off unless an OTLP endpoint is set. */
  telemetry: TelemetryConfig;
  http: HttpConfig;
  database: DatabaseConfig;
  dataDir: string;
  auth: {
    jwtSecret: string | undefined;
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string;
    jwksCooldownMs: number;
  };
  llm: OpenAiLlmOptions;
  rateLimits: { askPerMinute: number; userPerMinute: number; anonymousPerMinute: number };
  redisUrl: string | undefined;
  jobs: { enabled: boolean; timeZone: string; digestConcurrency: number };
  memory: { embeddingModel: string | undefined; retentionDays: number };
  /** Operator alerts to a Slack- or Discord-compatible webhook (ALERT_WEBHOOK_*); off when unset. */
  alerts: AlertsConfig;
  /** Model prices (MODEL_PRICES or MODEL_PRICES_FILE), applied at start as new price versions. */
  usage: UsageConfig;
  /** Per-user local-time jobs: quiet hours that hold push delivery (QUIET_HOURS). */
  schedule: ScheduleConfig;
  /** Monthly /ask budgets (set through /admin/budgets); BUDGET_CACHE_MS bounds how stale "any budget?" may be. */
  budgets: BudgetsConfig;
  /** Push notifications through Expo (EXPO_*, PUSH_*); sends nothing without registered tokens. */
  push: PushConfig;
  /** The operator page at `/admin` (ADMIN_PAGE_ENABLED); off unless configured. */
  adminPage: AdminPageConfig;
}

function timeZone(env: Env): string {
  const zone = envStr(env, 'COACH_TIMEZONE') ?? 'Europe/London';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
  } catch {
    throw new ConfigError('COACH_TIMEZONE', `must be an IANA time zone such as Europe/London, got "${zone}"`);
  }
  return zone;
}

const defaultOrigins = ['http://localhost:3000', 'http://localhost:19006'];

/** Applies defaults and checks every value, naming the variable at fault. */
export function envToConfig(env: Env): CoachConfig {
  const dataDir = envStr(env, 'COACH_DATA_DIR') ?? './data/coach';
  const jwtSecret = envStr(env, 'JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters');
  }
  const apiKey = envStr(env, 'OPENAI_API_KEY');
  const baseURL = envUrl(env, 'OPENAI_BASE_URL', ['http:', 'https:']);
  const fallbackModel =
    env.OPENAI_FALLBACK_MODEL === '' ? undefined : (envStr(env, 'OPENAI_FALLBACK_MODEL') ?? 'gpt-4o-mini');
  return {
    service: { name: 'coach', version: '0.1.0' },
    telemetry: telemetryConfigFromEnv(env, { serviceName: 'coach' }),
    http: httpConfigFromEnv(env, { port: 4000, allowedOrigins: defaultOrigins }),
    database: databaseConfigFromEnv(env, dataDir),
    dataDir,
    auth: {
      jwtSecret,
      jwksUrl: envUrl(env, 'JWKS_URL', ['http:', 'https:']),
      issuer: envStr(env, 'JWT_ISSUER'),
      audience: envStr(env, 'JWT_AUDIENCE') ?? 'authenticated',
      jwksCooldownMs: envInt(env, 'JWKS_COOLDOWN_MS', { min: 0, max: 3_600_000 }) ?? 30_000,
    },
    llm: {
      configured: apiKey !== undefined || baseURL !== undefined,
      // @NOTE local OpenAI-compatible servers (Ollama, vLLM) accept any key; the SDK insists on one.
      apiKey: apiKey ?? 'not-needed',
      baseURL,
      model: envStr(env, 'OPENAI_MODEL') ?? 'gpt-4o',
      fallbackModel,
      timeoutMs: envInt(env, 'LLM_TIMEOUT_MS', { min: 100, max: 600_000 }) ?? 30_000,
      maxTokens: envInt(env, 'LLM_MAX_TOKENS', { min: 16, max: 8192 }) ?? 700,
    },
    rateLimits: {
      askPerMinute: envInt(env, 'ASK_RATE_LIMIT_PER_MINUTE', { min: 1 }) ?? 20,
      userPerMinute: envInt(env, 'USER_RATE_LIMIT_PER_MINUTE', { min: 1 }) ?? 120,
      anonymousPerMinute: envInt(env, 'ANON_RATE_LIMIT_PER_MINUTE', { min: 1 }) ?? 30,
    },
    redisUrl: envUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    jobs: {
      enabled: envBool(env, 'JOBS_ENABLED') ?? true,
      timeZone: timeZone(env),
      digestConcurrency: envInt(env, 'DIGEST_CONCURRENCY', { min: 1, max: 500 }) ?? 10,
    },
    memory: {
      embeddingModel: envStr(env, 'EMBEDDING_MODEL'),
      retentionDays: envInt(env, 'MEMORY_RETENTION_DAYS', { min: 1, max: 3650 }) ?? 90,
    },
    alerts: alertsConfigFromEnv(env),
    usage: usageConfigFromEnv(env),
    schedule: scheduleConfigFromEnv(env),
    budgets: budgetsConfigFromEnv(env),
    push: pushConfigFromEnv(env),
    adminPage: adminPageConfigFromEnv(env),
  };
}
