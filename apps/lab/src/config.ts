import { join } from 'node:path';
import {
  ConfigError,
  type DatabaseConfig,
  databaseConfigFromEnv,
  type Env,
  envBool,
  envEnum,
  envInt,
  envStr,
  envUrl,
  type HttpConfig,
  httpConfigFromEnv,
  withSecretFiles,
} from '@ours/platform/config';
import { type TelemetryConfig, telemetryConfigFromEnv } from '@ours/platform/telemetry';

/** The variables that may instead be given as `NAME_FILE`, a file holding the secret. */
const secretVariables = [
  'LAB_JWT_SECRET',
  'LAB_SECRET_KEY',
  'LAB_SIGNING_KEY',
  'DATABASE_URL',
  'DATABASE_ADMIN_URL',
  'REDIS_URL',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
] as const;

/**
 * Everything the lab reads from the environment, raw (`NAME_FILE` read into `NAME`); no other file
 * touches `process.env`.
 */
export function readEnv(env: Env = process.env): Env {
  return withSecretFiles(env, secretVariables);
}

export interface LabConfig {
  service: { name: string; version: string };
  /** Trace export (OTEL_* variables); off unless an OTLP endpoint is set. */
  telemetry: TelemetryConfig;
  http: HttpConfig;
  database: DatabaseConfig;
  dataDir: string;
  secrets: {
    /** HS256 secret for access tokens; generated into the data directory on the embedded default. */
    jwtSecret: string | undefined;
    /** 32-byte key (base64) sealing TOTP seeds at rest. */
    secretKey: string | undefined;
    /** PEM private key signing checkpoints and electronic signatures. */
    signingKeyPem: string | undefined;
    signingAlgorithm: 'Ed25519' | 'RSA-PSS';
  };
  auth: {
    accessTokenSeconds: number;
    refreshTokenDays: number;
    lockoutAttempts: number;
    lockoutMinutes: number;
  };
  rateLimits: { loginPerMinute: number; userPerMinute: number; anonymousPerMinute: number };
  redisUrl: string | undefined;
  audit: { checkpointEvery: number; checkpointHours: number };
  /** Work scheduled jobs in this process (JOBS_ENABLED, default true); the queue always starts. */
  jobs: { enabled: boolean };
  /** Workflow runs: how often interlock lines are polled, and an instrument step's default deadline. */
  runs: {
    interlockPollMs: number;
    instrumentTimeoutS: number;
    analysisUrl: string | undefined;
    analysisTimeoutMs: number;
    /** A run whose server has not beaten for this long is orphaned (it beats every third of it). */
    orphanAfterS: number;
  };
  /** Fill the main lab with demo data at start when it is not there yet (LAB_DEMO_DATA, or --demo). */
  demoData: boolean;
  /**
   * The web UI: where its build is (LAB_WEB_UI_DIR; empty turns serving it off) and the inactivity
   * sign-out it enforces (LAB_UI_IDLE_MINUTES, default 15).
   */
  ui: { dir: string | undefined; idleMinutes: number };
}

/** The UI's build inside this repository (apps/lab-web/dist), as `npm ci` leaves it. */
const builtUiDir = join(import.meta.dirname, '..', '..', 'lab-web', 'dist');

const defaultOrigins = ['http://localhost:5173', 'http://localhost:3000'];

function base64Key(env: Env, name: string): string | undefined {
  const raw = envStr(env, name);
  if (raw !== undefined && Buffer.from(raw, 'base64').length !== 32) {
    throw new ConfigError(name, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  }
  return raw;
}

/** Applies defaults and checks every value, naming the variable at fault. */
export function envToConfig(env: Env): LabConfig {
  const dataDir = envStr(env, 'LAB_DATA_DIR') ?? './data/lab';
  const jwtSecret = envStr(env, 'LAB_JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('LAB_JWT_SECRET', 'must be at least 32 characters');
  }
  return {
    service: { name: 'lab', version: '0.1.0' },
    telemetry: telemetryConfigFromEnv(env, { serviceName: 'lab' }),
    http: httpConfigFromEnv(env, { port: 8001, allowedOrigins: defaultOrigins }),
    database: databaseConfigFromEnv(env, dataDir),
    dataDir,
    secrets: {
      jwtSecret,
      secretKey: base64Key(env, 'LAB_SECRET_KEY'),
      signingKeyPem: envStr(env, 'LAB_SIGNING_KEY')?.replaceAll('\\n', '\n'),
      signingAlgorithm: envEnum(env, 'LAB_SIGNING_ALGORITHM', ['Ed25519', 'RSA-PSS'] as const) ?? 'Ed25519',
    },
    auth: {
      accessTokenSeconds: (envInt(env, 'LAB_ACCESS_TOKEN_MINUTES', { min: 1, max: 60 }) ?? 15) * 60,
      refreshTokenDays: envInt(env, 'LAB_REFRESH_TOKEN_DAYS', { min: 1, max: 90 }) ?? 14,
      lockoutAttempts: envInt(env, 'LAB_LOCKOUT_ATTEMPTS', { min: 1, max: 100 }) ?? 5,
      lockoutMinutes: envInt(env, 'LAB_LOCKOUT_MINUTES', { min: 1, max: 24 * 60 }) ?? 30,
    },
    rateLimits: {
      loginPerMinute: envInt(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', { min: 1 }) ?? 20,
      userPerMinute: envInt(env, 'USER_RATE_LIMIT_PER_MINUTE', { min: 1 }) ?? 600,
      anonymousPerMinute: envInt(env, 'ANON_RATE_LIMIT_PER_MINUTE', { min: 1 }) ?? 30,
    },
    redisUrl: envUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    audit: {
      checkpointEvery: envInt(env, 'LAB_CHECKPOINT_EVERY', { min: 1 }) ?? 1000,
      checkpointHours: envInt(env, 'LAB_CHECKPOINT_HOURS', { min: 1, max: 24 }) ?? 24,
    },
    jobs: { enabled: envBool(env, 'JOBS_ENABLED') ?? true },
    runs: {
      interlockPollMs: envInt(env, 'LAB_INTERLOCK_POLL_MS', { min: 10, max: 10_000 }) ?? 100,
      instrumentTimeoutS: envInt(env, 'LAB_INSTRUMENT_TIMEOUT_S', { min: 1, max: 3600 }) ?? 60,
      analysisUrl: envUrl(env, 'LAB_ANALYSIS_URL', ['http:', 'https:']),
      analysisTimeoutMs: envInt(env, 'LAB_ANALYSIS_TIMEOUT_MS', { min: 10, max: 60_000 }) ?? 2_000,
      orphanAfterS: envInt(env, 'LAB_RUN_ORPHAN_AFTER_S', { min: 3, max: 600 }) ?? 15,
    },
    demoData: envBool(env, 'LAB_DEMO_DATA') ?? false,
    ui: {
      dir: env.LAB_WEB_UI_DIR === '' ? undefined : (envStr(env, 'LAB_WEB_UI_DIR') ?? builtUiDir),
      idleMinutes: envInt(env, 'LAB_UI_IDLE_MINUTES', { min: 1, max: 24 * 60 }) ?? 15,
    },
  };
}
