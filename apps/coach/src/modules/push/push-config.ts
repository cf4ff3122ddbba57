import { ConfigError, type Env, envBool, envInt, envStr, envUrl } from '@ours/platform/config';

/** Expo push delivery. `accessToken` is a secret (Expo's enhanced push security): never logged. */
export interface PushConfig {
  /** Off: nothing is fanned out or sent (rows stay undispatched until it is on again). */
  enabled: boolean;
  pushUrl: string;
  receiptsUrl: string;
  accessToken: string | undefined;
  /** Registering beyond this evicts the user's least recently registered token. */
  tokensPerUser: number;
  requestTimeoutMs: number;
  /** Batches of up to 100 messages in flight at once (Expo's latency dominates throughput). */
  concurrency: number;
  /** Sending attempts per message before it is failed (retryable errors only). */
  maxAttempts: number;
  /** First retry delay, doubled per attempt up to an hour. */
  retryBaseSeconds: number;
  /** How long after sending the receipt is first asked for (Expo: about 15 minutes). */
  receiptDelaySeconds: number;
  /** A receipt still missing this long after sending fails the delivery (`receipt_unavailable`). */
  receiptDeadlineSeconds: number;
}

const expoPushUrl = 'https://exp.host/--/api/v2/push/send';
const expoReceiptsUrl = 'https://exp.host/--/api/v2/push/getReceipts';

/** `PUSH_*` and `EXPO_*` variables; `EXPO_ACCESS_TOKEN` may be given as `EXPO_ACCESS_TOKEN_FILE`. */
export function pushConfigFromEnv(env: Env): PushConfig {
  const accessToken = envStr(env, 'EXPO_ACCESS_TOKEN');
  if (accessToken !== undefined && !/^[\x21-\x7e]+$/.test(accessToken)) {
    // Checked here so a pasted newline or space fails at start, not as an opaque header error later.
    throw new ConfigError('EXPO_ACCESS_TOKEN', 'must be printable ASCII without spaces');
  }
  const receiptDelaySeconds = envInt(env, 'PUSH_RECEIPT_DELAY_SECONDS', { min: 0, max: 86_400 }) ?? 900;
  const receiptDeadlineSeconds =
    envInt(env, 'PUSH_RECEIPT_DEADLINE_SECONDS', { min: 1, max: 7 * 86_400 }) ?? 86_400;
  if (receiptDeadlineSeconds <= receiptDelaySeconds) {
    throw new ConfigError('PUSH_RECEIPT_DEADLINE_SECONDS', 'must be greater than PUSH_RECEIPT_DELAY_SECONDS');
  }
  return {
    enabled: envBool(env, 'PUSH_ENABLED') ?? true,
    pushUrl: envUrl(env, 'EXPO_PUSH_URL', ['https:', 'http:']) ?? expoPushUrl,
    receiptsUrl: envUrl(env, 'EXPO_RECEIPTS_URL', ['https:', 'http:']) ?? expoReceiptsUrl,
    accessToken,
    tokensPerUser: envInt(env, 'PUSH_TOKENS_PER_USER', { min: 1, max: 100 }) ?? 10,
    requestTimeoutMs: envInt(env, 'PUSH_REQUEST_TIMEOUT_MS', { min: 100, max: 120_000 }) ?? 10_000,
    concurrency: envInt(env, 'PUSH_CONCURRENCY', { min: 1, max: 32 }) ?? 4,
    maxAttempts: envInt(env, 'PUSH_MAX_ATTEMPTS', { min: 1, max: 20 }) ?? 6,
    retryBaseSeconds: envInt(env, 'PUSH_RETRY_BASE_SECONDS', { min: 1, max: 3_600 }) ?? 30,
    receiptDelaySeconds,
    receiptDeadlineSeconds,
  };
}
